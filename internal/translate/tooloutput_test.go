package translate

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUnwrapToolOutput(t *testing.T) {
	toolMessage := `{"lc":1,"type":"constructor","id":["langchain_core","messages","ToolMessage"],"kwargs":{"status":"success","content":"{\"city\":\"Paris\"}","tool_call_id":"c1","name":"get_weather"}}`
	for _, tc := range []struct{ name, in, want string }{
		{"LangChain ToolMessage under output", `{"output":` + toolMessage + `}`, `{"city":"Paris"}`},
		{"LangChain ToolMessage alone", toolMessage, `{"city":"Paris"}`},
		{"content that is not a string", `{"lc":1,"kwargs":{"content":[{"type":"text","text":"hi"}]}}`, `[{"type":"text","text":"hi"}]`},
		{"a tool's own object with an output key", `{"output":{"rows":3}}`, `{"output":{"rows":3}}`},
		{"mentions lc and kwargs but is no LangChain object", `{"lc":"x","kwargs":"y"}`, `{"lc":"x","kwargs":"y"}`},
		{"plain text", `sunny`, `sunny`},
		{"broken JSON", `{"lc":1,"kwargs":`, `{"lc":1,"kwargs":`},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, unwrapToolOutput(tc.in)) })
	}
}
