package instrument_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/instrument"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// Bad input is an error of the call that got it, and sends nothing.
func TestBadInput(t *testing.T) {
	srv, c := setup(t)
	long := strings.Repeat("x", 101)     // past the service's clients' bound of user ids and names
	tooLong := strings.Repeat("x", 1025) // past the translation's bound of session and conversation ids
	for name, cfg := range map[string]instrument.SessionConfig{
		"no id":              {UserID: "u"},
		"no user, no device": {ID: "s"},
		"long id":            {ID: tooLong, UserID: "u"},
		"long user":          {ID: "s", UserID: long},
		"array attribute":    {ID: "s", UserID: "u", Attributes: instrument.Properties{"tags": []string{"a"}}},
	} {
		_, _, err := c.StartSession(bg(), cfg)
		require.ErrorIs(t, err, instrument.ErrInvalid, name)
	}
	// The service bounds neither session nor conversation ids
	// (docs/CONTRACT.md): a 101-character one is sent.
	lctx, ls, err := c.StartSession(bg(), instrument.SessionConfig{ID: long, UserID: "u-long", ConversationID: long})
	require.NoError(t, err)
	require.NoError(t, ls.End(lctx))
	ctx, s, err := c.StartSession(bg(), instrument.SessionConfig{ID: "s-v", UserID: "u-v"})
	require.NoError(t, err)
	_, _, err = c.StartSession(bg(), instrument.SessionConfig{ID: "s-v", UserID: "u-v"})
	require.ErrorIs(t, err, instrument.ErrInvalid, "started twice")
	ctx, err = s.StartConversation(ctx, "c-a")
	require.NoError(t, err)
	_, err = s.StartConversation(ctx, "c-b")
	require.NoError(t, err)
	nested := map[string]any{"a": 1}
	for name, call := range map[string]func() error{
		"turn without user":      func() error { return s.TrackTurn(ctx, instrument.Turn{Assistant: "a"}) },
		"turn without assistant": func() error { return s.TrackTurn(ctx, instrument.Turn{User: "u"}) },
		"turn with a map": func() error {
			return s.TrackTurn(ctx, instrument.Turn{User: "u", Assistant: "a", Properties: instrument.Properties{"m": nested}})
		},
		"negative tokens": func() error {
			return s.TrackTurn(ctx, instrument.Turn{User: "u", Assistant: "a", Usage: instrument.Usage{Model: "m", PromptTokens: -1}})
		},
		"usage of nothing":       func() error { return s.TrackUsage(ctx, instrument.Usage{}) },
		"usage model and cost":   func() error { return s.TrackUsage(ctx, instrument.Usage{Model: "m", Cost: 1}) },
		"track without name":     func() error { return s.Track(ctx, "") },
		"track long name":        func() error { return s.Track(ctx, long) },
		"track nil value":        func() error { return s.Track(ctx, "e", instrument.WithProperties(instrument.Properties{"n": nil})) },
		"function without name":  func() error { return s.TrackFunction(ctx, instrument.Function{}) },
		"identify without id":    func() error { return s.Identify(ctx, instrument.User{DeviceID: "d"}) },
		"alias without previous": func() error { return s.Alias(ctx, "u", "") },
		"conversation long id":   func() error { _, err := s.StartConversation(ctx, tooLong); return err },
		// Two conversations are open and the call names none.
		"ambiguous conversation": func() error { return s.TrackTurn(bg(), instrument.Turn{User: "u", Assistant: "a"}) },
	} {
		require.ErrorIs(t, call(), instrument.ErrInvalid, name)
	}
	_, err = c.Identify(bg(), instrument.User{})
	require.ErrorIs(t, err, instrument.ErrInvalid)
	require.ErrorIs(t, c.Alias(bg(), long, "p"), instrument.ErrInvalid)

	// Only the session's start and the two conversations went out, and
	// the session with long ids whole.
	flushed(t, c, srv)
	events := srv.SessionEvents("s-v")
	require.Len(t, events, 3)
	require.Equal(t, mindlytics.TypeStartSession, events[0].Type)
	require.Len(t, srv.SessionEvents(long), 2, "the session with a 101-character id was sent")
	require.False(t, s.HasErrors())
}
