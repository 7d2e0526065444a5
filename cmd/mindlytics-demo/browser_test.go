package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mindlytics/mindlytics-otel/cmd/internal/devserver"
	"github.com/mindlytics/mindlytics-otel/instrument"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// artifacts is where the browser test leaves its screenshots (git-ignored).
const artifacts = "../_artifacts"

// sendOTLPTurn posts one turn of session otlp-live through a real
// otlptracehttp exporter, inside an agent wrapper that repeats its usage.
func sendOTLPTurn(t *testing.T, url, user, assistant string) {
	t.Helper()
	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(url+"/v1/traces"))
	require.NoError(t, err)
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))
	tracer := tp.Tracer("browser-test")
	ids := []attribute.KeyValue{sc.SessionID("otlp-live"), sc.UserID("otlp-user")}
	actx, agent := tracer.Start(ctx, "invoke_agent helper", trace.WithAttributes(append(ids,
		sc.OperationName(sc.GenAIOperationInvokeAgent), sc.InputTokens(40), sc.OutputTokens(6))...))
	_, chat := tracer.Start(actx, sc.ChatSpanName("gpt-4o-mini"), trace.WithAttributes(append(ids,
		sc.OperationName(sc.GenAIOperationChat), sc.RequestModel("gpt-4o-mini"), sc.InputTokens(40), sc.OutputTokens(6),
		sc.TurnUser(user), sc.TurnAssistant(assistant))...))
	chat.End()
	agent.End()
	require.NoError(t, tp.Shutdown(ctx))
}

// newBrowser starts headless Debian chromium; steps gets a context that
// bounds one step.
func newBrowser(t *testing.T) (browser context.Context, step func() context.Context) {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (.ci/run installs it)")
		}
		t.Skip("chromium is not installed: apt-get install -y chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	require.NoError(t, chromedp.Do(ctx)) // starts the browser, with no timeout
	return ctx, func() context.Context {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t.Cleanup(cancel)
		return sctx
	}
}

// turnsShown counts the turns in the page's transcript.
func turnsShown(t *testing.T, ctx context.Context) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#detail .row[data-kind=turn]").length`))
	require.NoError(t, err)
	return n
}

// waitTurns waits until the transcript shows n turns.
func waitTurns(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	for turnsShown(t, ctx) != n {
		select {
		case <-ctx.Done():
			screenshot(t, context.WithoutCancel(ctx), "failure.png")
			t.Fatalf("the page does not show %d turns", n)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(artifacts, 0o755))
	path := filepath.Join(artifacts, name)
	require.NoError(t, os.WriteFile(path, png, 0o644))
	abs, _ := filepath.Abs(path)
	t.Logf("screenshot: %s", abs)
}

// The page shows the demo's conversation with its turns and cost, an OTLP
// session with the span beside each event and the translation's warnings,
// and a turn that arrives while it is open, without a reload.
func TestPageInBrowser(t *testing.T) {
	_, step := newBrowser(t)
	srv, err := devserver.New(devserver.Config{DataPath: filepath.Join(t.TempDir(), "demo.db")})
	require.NoError(t, err)
	defer func() { require.NoError(t, srv.Close()) }()
	llm, err := startFakeLLM()
	require.NoError(t, err)
	defer llm.Close()

	_, err = runChatbot(context.Background(), io.Discard, llm.URL, "demo-browser",
		instrument.WithServerBase(srv.URL()), instrument.WithAPIKey(srv.Contract.APIKey), instrument.WithProjectID(srv.Contract.ProjectID))
	require.NoError(t, err)
	sendOTLPTurn(t, srv.URL(), "First over OTLP", "Seen by the intake")

	ctx := step()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.PageURL()+"?session=demo-browser"),
		chromedp.WaitVisible(chromedp.CSS(`#live.on`)),
	))
	waitTurns(t, ctx, 3)
	detail, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#detail`)))
	require.NoError(t, err)
	cost, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`tr[data-session="demo-browser"] td.cost`)))
	require.NoError(t, err)
	assert.Contains(t, detail, "3 turns")
	assert.Contains(t, detail, "Your order #1234 shipped yesterday and arrives on Friday.")
	assert.Contains(t, detail, "ƒ lookup_order")
	assert.Contains(t, detail, "Order Status Checked")
	assert.Contains(t, detail, "identify")
	assert.True(t, strings.HasPrefix(cost, "$0.00"), "cost %q", cost)
	screenshot(t, ctx, "page-demo.png")

	// The OTLP session, picked without a reload; then a turn arrives live.
	ctx = step()
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument = true`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`tr[data-session="otlp-live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail details.span`)),
		chromedp.WaitVisible(chromedp.CSS(`#warnings .warning`)),
	))
	assert.Equal(t, 1, turnsShown(t, ctx))

	sendOTLPTurn(t, srv.URL(), "Second over OTLP", "Arrived live")
	waitTurns(t, ctx, 2)
	detail, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#detail`)))
	require.NoError(t, err)
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument === true`))
	require.NoError(t, err)
	assert.True(t, same, "no reload")
	assert.Contains(t, detail, "Arrived live")
	assert.Contains(t, detail, "chat gpt-4o-mini")
	// Open the new turn's span for the screenshot.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#detail details.span")].pop().open = true`))
	require.NoError(t, err)
	screenshot(t, ctx, "page-otlp-live.png")
}
