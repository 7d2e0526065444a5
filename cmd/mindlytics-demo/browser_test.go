package main

import (
	"context"
	"fmt"
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

// waitFor waits until the page's expression js is true.
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err == nil && ok {
			return
		}
		select {
		case <-ctx.Done():
			screenshot(t, context.WithoutCancel(ctx), "failure.png")
			t.Fatalf("the page does not show %s", what)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// waitTurns waits until the transcript shows n turns.
func waitTurns(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	waitFor(t, ctx, fmt.Sprintf("%d turns", n), fmt.Sprintf(`document.querySelectorAll("#detail .row[data-kind=turn]").length === %d`, n))
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

// clipped lists the session list's cells (turns, tokens, cost included)
// whose box leaves its pane or the viewport, or whose text is cut.
const clipped = `(() => {
  const pane = document.querySelector("#sessions-pane").getBoundingClientRect();
  const out = [];
  if (pane.right > window.innerWidth) out.push("the pane leaves the viewport");
  for (const c of document.querySelectorAll("#sessions th, #sessions td.num")) {
    const r = c.getBoundingClientRect(), text = document.createRange();
    text.selectNodeContents(c);
    const pad = parseFloat(getComputedStyle(c).paddingLeft) + parseFloat(getComputedStyle(c).paddingRight);
    if (r.right > pane.right + 0.5 || r.left < pane.left - 0.5) out.push("outside the pane: " + c.className + " " + c.textContent);
    if (text.getBoundingClientRect().width > r.width - pad + 0.5) out.push("text cut: " + c.className + " " + c.textContent);
  }
  for (const c of document.querySelectorAll("#sessions td.session")) {
    if (c.getBoundingClientRect().width < 150) out.push("no room for the session id: " + c.title);
  }
  return out;
})()`

// nesting says, for the first turn with a function call, whether the call
// sits inside the turn, after the user's words and before the answer.
const nesting = `(() => {
  const f = document.querySelector("#detail .row[data-kind=turn] .calls .row[data-kind=function]");
  if (!f) return "no function call under a turn";
  const turn = f.closest(".turn");
  const user = turn.querySelector(".bubble.user"), answer = turn.querySelector(":scope > .bubble.assistant");
  const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  if (!before(user, f) || !before(f, answer)) return "the call is not between the question and the answer";
  const conv = document.querySelector("#detail .conversation"), end = document.querySelector("#detail > .row[data-kind=end]");
  if (!end || !before(conv, end)) return "Session ended is not after the conversation";
  return "ok";
})()`

// The page at 1024 and 1440 px: an empty server says how to send it
// something; then the demo's conversation with its calls nested under
// their turns and no clipped column; an OTLP session picked by click, its
// selection in the URL surviving a reload and back; search narrowing the
// list; a turn arriving live; each turn's trace saying what each span
// became.
func TestPageInBrowser(t *testing.T) {
	for _, width := range []int64{1024, 1440} {
		t.Run(fmt.Sprint(width), func(t *testing.T) { pageAt(t, width) })
	}
}

func pageAt(t *testing.T, width int64) {
	_, step := newBrowser(t)
	srv, err := devserver.New(devserver.Config{DataPath: filepath.Join(t.TempDir(), "demo.db")})
	require.NoError(t, err)
	defer func() { require.NoError(t, srv.Close()) }()
	shot := func(ctx context.Context, name string) { screenshot(t, ctx, fmt.Sprintf("page-%d-%s.png", width, name)) }

	ctx := step()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.EmulateViewport(width, 900),
		chromedp.Navigate(srv.PageURL()),
		chromedp.WaitVisible(chromedp.CSS(`#live.on`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail .setup`)),
	))
	setup, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#detail`)))
	require.NoError(t, err)
	assert.Contains(t, setup, "OTEL_EXPORTER_OTLP_ENDPOINT="+srv.URL())
	assert.Contains(t, setup, "MLSDK_SERVER_BASE="+srv.URL())
	assert.Contains(t, setup, "otelcol-mindlytics --config")
	icons, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`Promise.all(["/favicon.ico", "/ui/favicon.svg"].map((u) => fetch(u).then((r) => r.status)))`, chromedp.EvalAwaitPromise))
	require.NoError(t, err)
	assert.Equal(t, []int{200, 200}, icons, "no favicon 404")
	shot(ctx, "empty")

	llm, err := startFakeLLM()
	require.NoError(t, err)
	defer llm.Close()
	_, err = runChatbot(context.Background(), io.Discard, llm.URL, "demo-browser",
		instrument.WithServerBase(srv.URL()), instrument.WithAPIKey(srv.Contract.APIKey), instrument.WithProjectID(srv.Contract.ProjectID))
	require.NoError(t, err)
	sendOTLPTurn(t, srv.URL(), "First over OTLP", "Seen by the intake")

	ctx = step()
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
	order, err := chromedp.Run(ctx, chromedp.Evaluate[string](nesting))
	require.NoError(t, err)
	assert.Equal(t, "ok", order)
	cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](clipped))
	require.NoError(t, err)
	assert.Empty(t, cut, "no clipped column at %d px", width)
	shot(ctx, "demo")

	// The OTLP session, picked by a click without a reload: the URL says
	// so, a reload keeps it, back returns to the demo's.
	ctx = step()
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument = true`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`tr[data-session="otlp-live"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail details.span`)),
		chromedp.WaitVisible(chromedp.CSS(`#detail details.warnings .warning`)),
	))
	assert.Equal(t, 1, turnsShown(t, ctx))
	loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	require.NoError(t, err)
	assert.Equal(t, "?session=otlp-live", loc)
	require.NoError(t, chromedp.Do(ctx, chromedp.Reload()))
	waitFor(t, ctx, "the OTLP session after a reload", `!!document.querySelector('tr.selected[data-session="otlp-live"]') && document.querySelectorAll("#detail .row[data-kind=turn]").length === 1`)
	require.NoError(t, chromedp.Do(ctx, chromedp.NavigateBack()))
	waitFor(t, ctx, "the demo's session after back", `!!document.querySelector('tr.selected[data-session="demo-browser"]') && document.querySelectorAll("#detail .row[data-kind=turn]").length === 3`)
	require.NoError(t, chromedp.Do(ctx, chromedp.NavigateForward()))
	waitFor(t, ctx, "the OTLP session again", `document.querySelectorAll("#detail .row[data-kind=turn]").length === 1`)

	// A turn arrives live, without a reload; its trace says what each span became.
	ctx = step()
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument = true`))
	require.NoError(t, err)
	sendOTLPTurn(t, srv.URL(), "Second over OTLP", "Arrived live")
	waitTurns(t, ctx, 2)
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__sameDocument === true`))
	require.NoError(t, err)
	assert.True(t, same, "no reload")
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const ts = [...document.querySelectorAll("#detail details.trace")]; ts.forEach((d) => d.open = true); const last = ts.pop(); last.querySelector("details.trow").open = true; [...document.querySelectorAll("#detail details.span")].pop().open = true; return true; })()`))
	require.NoError(t, err)
	detail, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#detail`)))
	require.NoError(t, err)
	assert.Contains(t, detail, "Arrived live")
	assert.Contains(t, detail, "chat gpt-4o-mini")
	assert.Contains(t, detail, "no event: a wrapper", "the agent span says why it made no event")
	assert.Contains(t, detail, "→ Conversation Turn", "the chat span says what it became")
	shot(ctx, "otlp-live")

	// Search narrows the list, and the URL keeps it.
	require.NoError(t, chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(`#search`), "arrived live")))
	waitFor(t, ctx, "one session found", `document.querySelectorAll("#sessions tbody tr").length === 1 && !!document.querySelector('tr[data-session="otlp-live"]')`)
	loc, err = chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
	require.NoError(t, err)
	assert.Contains(t, loc, "q=arrived+live")
	require.NoError(t, chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#filter`), "ended")))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#filter").dispatchEvent(new Event("change"))`))
	require.NoError(t, err)
	waitFor(t, ctx, "no ended session found", `document.querySelectorAll("#sessions tbody tr").length === 0`)
}
