package collectore2e

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/testkit"
	"github.com/mindlytics/mindlytics-otel/mindlytics/mindlyticstest"
)

// envCollector names the otelcol-mindlytics binary the tests run.
const envCollector = "MINDLYTICS_COLLECTOR"

// collectorBinary returns the binary to test, or skips the test.
func collectorBinary(t *testing.T) string {
	t.Helper()
	bin := os.Getenv(envCollector)
	if bin == "" {
		t.Skipf("%s is not set: run `make collector-e2e` to build otelcol-mindlytics and run the end-to-end tests", envCollector)
	}
	abs, err := filepath.Abs(bin)
	require.NoError(t, err)
	_, err = os.Stat(abs)
	require.NoError(t, err, "%s=%s", envCollector, bin)
	return abs
}

// configPath returns the path of a configuration: a file name is one of
// collector-config/, a path (testdata/…) is relative to this package.
func configPath(t *testing.T, name string) string {
	t.Helper()
	if filepath.Base(name) == name {
		name = filepath.Join("..", "collector-config", name)
	}
	p, err := filepath.Abs(name)
	require.NoError(t, err)
	return p
}

// freePort returns a loopback port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func loopback(port int) string { return "127.0.0.1:" + strconv.Itoa(port) }

// collector is one running otelcol-mindlytics process.
type collector struct {
	t        *testing.T
	name     string
	cmd      *exec.Cmd
	output   *testkit.SyncBuffer
	grpc     string // OTLP gRPC endpoint, host:port
	http     string // OTLP HTTP endpoint, host:port
	health   string // health check URL
	exited   chan struct{}
	exitErr  error
	stopOnce sync.Once
}

// collectorSpec says how to start a collector.
type collectorSpec struct {
	name   string   // for logs
	config string   // file in collector-config/, or a path from this package
	env    []string // extra KEY=value
	sets   []string // extra --set values
}

// mindlyticsEnv points a collector at srv.
func mindlyticsEnv(srv *mindlyticstest.Server) []string {
	return []string{
		"MLSDK_SERVER_BASE=" + srv.URL,
		"MLSDK_API_KEY=" + srv.APIKey,
		"MLSDK_PROJECT_ID=" + srv.ProjectID,
	}
}

// startCollector starts the binary with the spec on free loopback ports,
// waits until its health check answers, and stops it (SIGTERM, then
// SIGKILL) when the test ends if the test has not.
func startCollector(t *testing.T, spec collectorSpec) *collector {
	t.Helper()
	c := &collector{
		t:      t,
		name:   spec.name,
		output: &testkit.SyncBuffer{},
		grpc:   loopback(freePort(t)),
		http:   loopback(freePort(t)),
		exited: make(chan struct{}),
	}
	healthAddr := loopback(freePort(t))
	c.health = "http://" + healthAddr + "/"
	args := []string{
		"--config=" + configPath(t, spec.config),
		// Several collectors run at once: no internal metrics server on :8888.
		"--set=service.telemetry.metrics.level=none",
	}
	for _, s := range spec.sets {
		args = append(args, "--set="+s)
	}
	c.cmd = exec.Command(collectorBinary(t), args...)
	c.cmd.Env = append(os.Environ(),
		"OTLP_GRPC_ENDPOINT="+c.grpc,
		"OTLP_HTTP_ENDPOINT="+c.http,
		"HEALTH_CHECK_ENDPOINT="+healthAddr,
	)
	c.cmd.Env = append(c.cmd.Env, spec.env...)
	c.cmd.Stdout, c.cmd.Stderr = c.output, c.output
	require.NoError(t, c.cmd.Start())
	go func() {
		c.exitErr = c.cmd.Wait()
		close(c.exited)
	}()
	t.Cleanup(func() {
		c.stop()
		if t.Failed() {
			t.Logf("output of collector %s:\n%s", c.name, c.output.String())
		}
	})
	c.waitHealthy()
	return c
}

func (c *collector) waitHealthy() {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-c.exited:
			c.t.Fatalf("collector %s exited while starting: %v\n%s", c.name, c.exitErr, c.output.String())
		default:
		}
		resp, err := http.Get(c.health)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.t.Fatalf("collector %s did not become healthy\n%s", c.name, c.output.String())
}

// stop shuts the collector down gracefully and waits for it to exit.
func (c *collector) stop() {
	c.stopOnce.Do(func() {
		_ = c.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-c.exited:
		case <-time.After(60 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.exited
			c.t.Errorf("collector %s did not stop within 60s of SIGTERM", c.name)
		}
	})
}

// kill ends the collector with SIGKILL: no shutdown, nothing flushed.
func (c *collector) kill() {
	c.stopOnce.Do(func() {
		_ = c.cmd.Process.Kill()
		<-c.exited
	})
}
