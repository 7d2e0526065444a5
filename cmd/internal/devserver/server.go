package devserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/mindlytics/mindlytics-otel/exporter/mindlyticsexporter/pdataview"
	"github.com/mindlytics/mindlytics-otel/internal/translate"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// Config is what a Server is started with.
type Config struct {
	Addr      string // loopback address; "" picks a free port on 127.0.0.1
	APIKey    string // "" is mindlyticstest.DefaultAPIKey
	ProjectID string // "" is mindlyticstest.DefaultProjectID
	DataPath  string // the bbolt file; required
	Logger    *slog.Logger
}

// Server is the local Mindlytics: contract, store, OTLP intake and page on
// one port.
type Server struct {
	// Contract is the contract server; its URL is the server's.
	Contract *mindlyticstest.Server
	store    *Store
	intake   *intake
	web      *web

	stop      context.CancelFunc
	done      sync.WaitGroup
	closeOnce sync.Once
}

// New opens the store at cfg.DataPath, replays it into the contract server
// and starts serving.
func New(cfg Config) (s *Server, err error) {
	if cfg.DataPath == "" {
		return nil, errors.New("devserver: no data path")
	}
	st, err := OpenStore(cfg.DataPath)
	if err != nil {
		return nil, err
	}
	tr, err := translate.New(translate.DefaultSettings())
	if err != nil {
		_ = st.Close()
		return nil, fmt.Errorf("devserver: the translation: %w", err)
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Addr != "" && !IsLoopback(cfg.Addr) {
		logger.Warn("devserver: listening beyond loopback: whoever reaches this address can read every conversation and send events with the dev key",
			"addr", cfg.Addr)
	}
	for _, skipped := range st.Skipped() {
		logger.Warn("devserver: a record of the store could not be read and was skipped", "record", skipped)
	}
	ctx, stop := context.WithCancel(context.Background())
	s = &Server{store: st, stop: stop}
	s.intake = &intake{tr: pdataview.NewTranslator(tr), store: st}
	s.web = &web{store: st, ctx: ctx}
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/traces", s.intake.serveTraces)
	mux.HandleFunc("/v1/logs", s.intake.serveLogs)
	s.web.routes(mux)

	defer func() {
		if r := recover(); r != nil { // NewServer panics when it cannot listen or load
			stop()
			_ = st.Close()
			s, err = nil, fmt.Errorf("devserver: %v", r)
		}
	}()
	s.Contract = mindlyticstest.NewServer(mindlyticstest.WithAddr(cfg.Addr),
		mindlyticstest.WithAPIKey(cfg.APIKey), mindlyticstest.WithProjectID(cfg.ProjectID),
		mindlyticstest.WithStore(st), mindlyticstest.WithHandler(mux), mindlyticstest.WithLogger(logger),
		mindlyticstest.WithGuard(newGuard))
	s.intake.post = postInProcess(s.Contract, s.Contract.APIKey, s.Contract.ProjectID)
	s.web.setup = func() Setup {
		return Setup{URL: s.Contract.URL, APIKey: s.Contract.APIKey, ProjectID: s.Contract.ProjectID}
	}

	interval := translate.DefaultSettings().CheckInterval()
	s.done.Add(1)
	go s.expire(ctx, interval)
	return s, nil
}

// URL is the server's base URL (the contract's and the intake's).
func (s *Server) URL() string { return s.Contract.URL }

// PageURL is the web page's URL.
func (s *Server) PageURL() string { return s.Contract.URL + "/ui/" }

// Store is where the server keeps what it accepted.
func (s *Server) Store() *Store { return s.store }

// expire ends idle OTLP sessions and conversations, as the exporters do.
func (s *Server) expire(ctx context.Context, every time.Duration) {
	defer s.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.intake.flush(ctx, s.intake.tr.Expire)
		}
	}
}

// Close ends the sessions the OTLP intake still has open (as an exporter
// does at shutdown), stops serving and closes the store.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.stop()
		s.done.Wait()
		s.intake.flush(context.Background(), s.intake.tr.EndAll)
		s.Contract.Close()
		err = s.store.Close()
	})
	return err
}
