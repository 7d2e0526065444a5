package mindlytics

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/mindlytics/mindlytics-otel/internal/wire"
)

// UserIdentify identifies a user outside any session: one of ID or DeviceID
// is required; Traits merge into the user's, last write wins.
type UserIdentify struct {
	ID       string     `json:"id,omitempty"`
	DeviceID string     `json:"device_id,omitempty"`
	Traits   Properties `json:"traits,omitempty"`
}

// validate checks the ids (1–100 characters, one of them required) and that
// traits are scalars. It returns a [*ValidationError] naming the field.
func (u UserIdentify) validate() error {
	if u.ID == "" && u.DeviceID == "" {
		return fieldError("id", "one of id (user id) or device_id is required")
	}
	if err := checkID("id", u.ID, false); err != nil {
		return err
	}
	if err := checkID("device_id", u.DeviceID, false); err != nil {
		return err
	}
	return checkScalars("traits", u.Traits)
}

// User is the user record the service keeps.
type User struct {
	OrganizationID string         `json:"organization_id"`
	AppID          string         `json:"app_id"`
	UserID         string         `json:"user_id"`
	ID             string         `json:"id"`
	Aliases        []string       `json:"aliases"`
	CreatedAt      string         `json:"created_at"`
	Traits         map[string]any `json:"traits"`
}

// IdentifyUser identifies a user outside any session
// (POST /bc/v1/user/identify) and returns the user record the service
// answers with (zero-valued if it answered with no body). Inside a session,
// send an [Identify] event instead. An invalid u is a [*ValidationError] and
// nothing is sent.
func (c *Client) IdentifyUser(ctx context.Context, u UserIdentify) (*User, error) {
	if err := u.validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("mindlytics: identify user: encoding: %w", err)
	}
	user := new(User)
	if err := c.call(ctx, http.MethodPost, wire.PathUserIdentify, nil, body, user); err != nil {
		return nil, err
	}
	return user, nil
}

// AliasUser makes id known as an alias of previousID outside any session
// (POST /bc/v1/user/alias). Both are required, 1–100 characters; invalid
// ids are a [*ValidationError] and nothing is sent. Inside a session, send
// an [Alias] event instead.
func (c *Client) AliasUser(ctx context.Context, id, previousID string) error {
	if err := checkID("id", id, true); err != nil {
		return err
	}
	if err := checkID("previous_id", previousID, true); err != nil {
		return err
	}
	body, err := json.Marshal(struct {
		ID         string `json:"id"`
		PreviousID string `json:"previous_id"`
	}{id, previousID})
	if err != nil {
		return fmt.Errorf("mindlytics: alias user: encoding: %w", err)
	}
	return c.call(ctx, http.MethodPost, wire.PathUserAlias, nil, body, nil)
}
