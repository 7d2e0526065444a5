package mindlyticstest

import (
	"maps"
	"net/http"
	"slices"
	"time"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

// User is a user record, as POST /bc/v1/user/identify and /bc/v1/user/alias
// answer it. The server keeps one per user it learns of from those
// endpoints and from identify and alias events.
type User struct {
	OrganizationID string `json:"organization_id"`
	AppID          string `json:"app_id"`
	// UserID is the caller's id of the user; empty for a user known only by
	// a device id.
	UserID string `json:"user_id"`
	// ID is the server's own id of the record.
	ID string `json:"id"`
	// Aliases are the other ids the user is known by, from alias calls.
	Aliases   []string `json:"aliases"`
	CreatedAt string   `json:"created_at"`
	// Traits merge over time, the last write of a trait winning. Numbers are
	// json.Number values, as they came on the wire.
	Traits map[string]any `json:"traits"`
	// DeviceIDs are the devices the user was seen with. The service's answer
	// does not show them.
	DeviceIDs []string `json:"-"`
}

func (u *User) clone() User {
	c := *u
	c.Aliases = slices.Clone(u.Aliases)
	c.DeviceIDs = slices.Clone(u.DeviceIDs)
	c.Traits = maps.Clone(u.Traits)
	return c
}

// Users returns the users the server knows, in the order they became known.
func (s *Server) allUsers() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.users.list))
	for _, u := range s.users.list {
		out = append(out, u.clone())
	}
	return out
}

// User looks a user up by user id, alias or device id.
func (s *Server) User(id string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users.byUserID(id)
	if u == nil {
		u = s.users.byDevice(id, false)
	}
	if u == nil {
		return User{}, false
	}
	return u.clone(), true
}

// users holds the user records.
type users struct {
	list []*User
	// org and app fill the records made.
	org, app string
}

func (us *users) byUserID(id string) *User {
	for _, u := range us.list {
		if id != "" && (u.UserID == id || slices.Contains(u.Aliases, id)) {
			return u
		}
	}
	return nil
}

func (us *users) byDevice(deviceID string, anonymousOnly bool) *User {
	for _, u := range us.list {
		if deviceID != "" && slices.Contains(u.DeviceIDs, deviceID) && (!anonymousOnly || u.UserID == "") {
			return u
		}
	}
	return nil
}

func (us *users) create(userID string, now time.Time) *User {
	u := &User{
		OrganizationID: us.org,
		AppID:          us.app,
		UserID:         userID,
		ID:             newID(),
		Aliases:        []string{},
		CreatedAt:      wire.FormatTimestamp(now),
		Traits:         map[string]any{},
	}
	us.list = append(us.list, u)
	return u
}

// identify finds the user by id, else the anonymous user of the device (who
// thereby gets the id), else creates one, and merges the traits in.
func (us *users) identify(id, deviceID string, traits mindlytics.Properties, now time.Time) *User {
	u := us.byUserID(id)
	if u == nil {
		u = us.byDevice(deviceID, id != "")
	}
	if u == nil {
		u = us.create(id, now)
	}
	if u.UserID == "" {
		u.UserID = id
	}
	if deviceID != "" && !slices.Contains(u.DeviceIDs, deviceID) {
		u.DeviceIDs = append(u.DeviceIDs, deviceID)
	}
	maps.Copy(u.Traits, traits)
	return u
}

// alias makes id and previousID name the same user: the one previousID
// names, else the one id names, else a new one.
func (us *users) alias(id, previousID string, now time.Time) *User {
	u := us.byUserID(previousID)
	if u == nil {
		u = us.byUserID(id)
	}
	if u == nil {
		u = us.create(previousID, now)
	}
	for _, name := range []string{previousID, id} {
		if name != u.UserID && !slices.Contains(u.Aliases, name) {
			u.Aliases = append(u.Aliases, name)
		}
	}
	return u
}

// serveUserIdentify is POST /bc/v1/user/identify, outside any session.
func (s *Server) serveUserIdentify(_ *http.Request, body []byte) answer {
	var in struct {
		ID       string                `json:"id"`
		DeviceID string                `json:"device_id"`
		Traits   mindlytics.Properties `json:"traits"`
	}
	if err := decodeStrict(body, &in); err != nil {
		return fail(http.StatusBadRequest, "Invalid body: %v", err)
	}
	// The checks of an identify event are those of the endpoint; the
	// session id only satisfies Validate.
	check := mindlytics.Event{Type: mindlytics.TypeIdentify, SessionID: "-", ID: in.ID, DeviceID: in.DeviceID, Traits: in.Traits}
	if err := check.Validate(); err != nil {
		return fail(http.StatusBadRequest, "Invalid user: %s", validationProblem(err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(s.users.identify(in.ID, in.DeviceID, in.Traits, time.Now()).clone())
}

// serveUserAlias is POST /bc/v1/user/alias, outside any session.
func (s *Server) serveUserAlias(_ *http.Request, body []byte) answer {
	var in struct {
		ID         string `json:"id"`
		PreviousID string `json:"previous_id"`
	}
	if err := decodeStrict(body, &in); err != nil {
		return fail(http.StatusBadRequest, "Invalid body: %v", err)
	}
	check := mindlytics.Event{Type: mindlytics.TypeAlias, SessionID: "-", ID: in.ID, PreviousID: in.PreviousID}
	if err := check.Validate(); err != nil {
		return fail(http.StatusBadRequest, "Invalid alias: %s", validationProblem(err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(s.users.alias(in.ID, in.PreviousID, time.Now()).clone())
}
