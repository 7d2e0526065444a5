package mindlytics

import "github.com/mindlytics/mindlytics-otel/internal/wire"

// The properties of the turn, usage and function events, made from their
// typed fields. This module's translation builds the same events in a
// compact form (internal/compact) that writes these properties without the
// map; its tests prove both encode alike, so a change here goes there too.

// fields is the turn's own properties.
func (t *Turn) fields() Properties {
	p := Properties{"user": t.User, "assistant": t.Assistant}
	if t.AssistantID != "" {
		p["assistant_id"] = t.AssistantID
	}
	if !t.TokensUnknown && (t.Model != "" || t.PromptTokens != 0 || t.CompletionTokens != 0) {
		p["prompt_tokens"], p["completion_tokens"] = t.PromptTokens, t.CompletionTokens
	}
	if t.Cost != 0 {
		p["cost"] = t.Cost
	}
	if t.Model != "" {
		p["model"] = t.Model
	}
	return p
}

// fields is the usage's own properties: the model form, or the cost form
// without a model.
func (u *Usage) fields() Properties {
	if u.Model == "" {
		return Properties{"cost": u.Cost}
	}
	return Properties{"model": u.Model, "prompt_tokens": u.PromptTokens, "completion_tokens": u.CompletionTokens}
}

// fields is the call's own properties.
func (c *FunctionCall) fields() Properties {
	p := Properties{"name": c.Name, "runtime": c.Runtime.Milliseconds()}
	if c.Args != "" {
		p["args"] = c.Args
	}
	if c.Result != "" {
		p["result"] = c.Result
	}
	return p
}

// withExtra adds to own the extra values whose key own has not (a field's
// key wins), and returns the first extra value that is not a scalar as an
// error. An extra value a field overrides is not checked: it is not sent.
func withExtra(own, extra Properties) (Properties, error) {
	var err error
	for k, v := range extra {
		if _, isField := own[k]; isField {
			continue
		}
		own[k] = v
		if err != nil {
			continue
		}
		if k == "" {
			err = fieldError("properties", "empty key")
		} else if bad := wire.CheckScalar(v); bad != nil {
			err = fieldError("properties."+k, bad.Error())
		}
	}
	return own, err
}

// checkBuilt is the check of the turn, usage and function constructors:
// validate (its properties are the fields, scalars, or extra values
// withExtra checked), then extraErr, then the cost the event sends.
func (e *Event) checkBuilt(extraErr error, cost float64) error {
	if err := e.validate(nil); err != nil {
		return err
	}
	if extraErr != nil {
		return extraErr
	}
	return checkCost(cost)
}
