package mindlytics

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

func TestLiveEventsKey(t *testing.T) {
	tests := []struct {
		name      string
		session   string
		wantQuery string
	}{
		{name: "whole project", session: "", wantQuery: ""},
		{name: "one session", session: "sess 1&x", wantQuery: "session_id=sess+1%26x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, answer(http.StatusOK, `{"authorization_key":"live-123"}`))
			c := newTestClient(t, fs)
			key, err := c.liveEventsKey(context.Background(), tt.session)
			require.NoError(t, err)
			assert.Equal(t, "live-123", key)

			r := fs.only(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, wire.PathLiveRealtime, r.Path)
			assert.Equal(t, tt.wantQuery, r.Query)
			assert.Empty(t, r.Body)
		})
	}
	t.Run("no key in the answer", func(t *testing.T) {
		fs := newFakeService(t, answer(http.StatusOK, `{}`))
		c := newTestClient(t, fs)
		_, err := c.liveEventsKey(context.Background(), "")
		require.Error(t, err)
		assert.Contains(t, err.Error(), "authorization_key")
	})
	t.Run("unauthorized", func(t *testing.T) {
		fs := newFakeService(t, answer(http.StatusUnauthorized, `{"error":"invalid api key"}`))
		c := newTestClient(t, fs)
		_, err := c.liveEventsKey(context.Background(), "")
		assert.Equal(t, http.StatusUnauthorized, statusCode(err))
	})
}

func TestLiveEventsHistory(t *testing.T) {
	start := time.Date(2026, 3, 4, 5, 0, 0, 0, time.FixedZone("CET", 3600))
	end := start.Add(time.Hour)
	tests := []struct {
		name      string
		limit     int
		wantLimit string
	}{
		{name: "service default limit", limit: 0, wantLimit: ""},
		{name: "limit", limit: 20, wantLimit: "20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFakeService(t, answer(http.StatusOK, derivedAnswer))
			c := newTestClient(t, fs)
			events, err := c.LiveEventsHistory(context.Background(), start, end, tt.limit)
			require.NoError(t, err)
			require.Len(t, events, 1)
			assert.Equal(t, "Session Ended", events[0].Event)

			r := fs.only(t)
			assert.Equal(t, http.MethodGet, r.Method)
			assert.Equal(t, wire.PathLiveHistory, r.Path)
			q, err := url.ParseQuery(r.Query)
			require.NoError(t, err)
			assert.Equal(t, "2026-03-04T04:00:00.000000Z", q.Get("start"), "UTC")
			assert.Equal(t, "2026-03-04T05:00:00.000000Z", q.Get("end"))
			assert.Equal(t, tt.wantLimit, q.Get("limit"))
			assert.Equal(t, tt.wantLimit != "", q.Has("limit"))
		})
	}
	t.Run("invalid arguments", func(t *testing.T) {
		fs := newFakeService(t, nil)
		c := newTestClient(t, fs)
		ctx := context.Background()
		_, err := c.LiveEventsHistory(ctx, time.Time{}, end, 0)
		assert.ErrorContains(t, err, "start and end are required")
		_, err = c.LiveEventsHistory(ctx, end, start, 0)
		assert.ErrorContains(t, err, "before start")
		_, err = c.LiveEventsHistory(ctx, start, end, -1)
		assert.ErrorContains(t, err, "negative limit")
		assert.Empty(t, fs.Requests())
	})
}
