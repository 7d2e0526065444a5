package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// childEnv makes the test binary run main with the flags it holds, so that
// the test can kill a real server process without building one.
const childEnv = "MINDLYTICS_DEV_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		os.Args = append([]string{os.Args[0]}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// startChild runs the server as a child process and waits until it serves.
func startChild(t *testing.T, addr, data string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=--addr "+addr+" --data "+data+" --api-key k --project p")
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get("http://" + addr + "/ui/api/sessions"); err == nil {
			_ = resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the server did not start")
	return nil
}

type state struct {
	Sessions []struct {
		ID     string `json:"id"`
		UserID string `json:"user_id"`
		Turns  int    `json:"turns"`
	} `json:"sessions"`
}

// pageState is the page's first page of sessions.
func pageState(t *testing.T, addr string) state {
	t.Helper()
	resp, err := http.Get("http://" + addr + "/ui/api/sessions")
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	var s state
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&s))
	return s
}

// A batch answered 200 survives kill -9: the server restarted on the same
// data still has it, the page's state shows it, and the contract server
// checks new events against it.
func TestKill9AfterA200(t *testing.T) {
	addr, data := freeAddr(t), filepath.Join(t.TempDir(), "dev.db")
	child := startChild(t, addr, data)

	client, err := mindlytics.NewClient(mindlytics.WithServerBase("http://"+addr), mindlytics.WithAPIKey("k"), mindlytics.WithProjectID("p"))
	require.NoError(t, err)
	defer client.CloseIdleConnections()
	ctx := context.Background()
	id := mindlytics.Identity{SessionID: "crash-1", UserID: "u-1"}
	start, err := mindlytics.StartSession(id, nil)
	require.NoError(t, err)
	conv, err := mindlytics.ConversationStarted(id, "c-1", nil, nil)
	require.NoError(t, err)
	turn, err := mindlytics.ConversationTurn(id, "c-1", mindlytics.Turn{User: "still there?", Assistant: "yes"})
	require.NoError(t, err)
	require.NoError(t, client.SendEvents(ctx, []mindlytics.Event{start, conv, turn}), "answered 200")

	require.NoError(t, child.Process.Signal(os.Kill)) // kill -9, no shutdown
	_ = child.Wait()

	startChild(t, addr, data)
	s := pageState(t, addr)
	require.Len(t, s.Sessions, 1)
	assert.Equal(t, "crash-1", s.Sessions[0].ID)
	assert.Equal(t, "u-1", s.Sessions[0].UserID)
	assert.Equal(t, 1, s.Sessions[0].Turns)

	// The restarted server goes on from there: the page counts both turns.
	more, err := mindlytics.ConversationTurn(id, "c-1", mindlytics.Turn{User: "and now?", Assistant: "still"})
	require.NoError(t, err)
	require.NoError(t, client.SendEvents(ctx, []mindlytics.Event{more}))
	assert.Equal(t, 2, pageState(t, addr).Sessions[0].Turns)
}

// TestNonLoopbackAddrIsWarnedAbout: --addr 0.0.0.0 is served, but not
// silently: whoever reaches it reads every conversation.
func TestNonLoopbackAddrIsWarnedAbout(t *testing.T) {
	local := freeAddr(t)
	_, port, err := net.SplitHostPort(local)
	require.NoError(t, err)
	var stderr strings.Builder
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=--addr 0.0.0.0:"+port+" --data "+filepath.Join(t.TempDir(), "d.db"))
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	require.Eventually(t, func() bool {
		resp, err := http.Get("http://" + local + "/ui/api/sessions")
		if err == nil {
			_ = resp.Body.Close()
		}
		return err == nil
	}, 20*time.Second, 50*time.Millisecond)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	assert.Contains(t, stderr.String(), "warning: --addr 0.0.0.0:"+port+" is not a loopback address")
}
