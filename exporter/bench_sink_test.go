package exporter_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// sinkProcessEnv makes the test binary a sink process (see TestMain): the
// throughput benchmark measures the client's CPU alone, so the server that
// takes its requests runs in a process of its own.
const sinkProcessEnv = "MINDLYTICS_BENCH_SINK_PROCESS"

// runSinkProcess serves a loopback sink that reads and discards every
// request body, prints its URL on stdout and stops when stdin closes.
// GET /requests answers the number of POSTs it has taken.
func runSinkProcess() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var requests atomic.Int64
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			fmt.Fprint(w, requests.Load())
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		requests.Add(1)
		w.WriteHeader(http.StatusOK)
	})}
	go func() { _ = srv.Serve(ln) }()
	fmt.Println("http://" + ln.Addr().String())
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// sinkProcess is a running sink process.
type sinkProcess struct {
	URL   string
	cmd   *exec.Cmd
	stdin io.Closer
}

// startSinkProcess runs this test binary as a sink process.
func startSinkProcess(b *testing.B) *sinkProcess {
	b.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), sinkProcessEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		b.Fatalf("sink process: %v", err)
	}
	return &sinkProcess{URL: strings.TrimSpace(line), cmd: cmd, stdin: stdin}
}

// Requests returns how many requests the sink has taken.
func (s *sinkProcess) Requests(b *testing.B) int64 {
	b.Helper()
	resp, err := http.Get(s.URL)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var n int64
	if _, err := fmt.Fscan(resp.Body, &n); err != nil {
		b.Fatal(err)
	}
	return n
}

// Close stops the sink process.
func (s *sinkProcess) Close() {
	_ = s.stdin.Close()
	_ = s.cmd.Wait()
}

// processCPU is the CPU time (user + system) this process has used.
func processCPU(b *testing.B) time.Duration {
	b.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
