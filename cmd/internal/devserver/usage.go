package devserver

import (
	"cmp"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/mindlytics/mindlytics-otel/mindlytics"
)

func (t *Totals) count(it Item) {
	switch it.Kind {
	case "turn":
		t.Turns++
	case "function":
		t.Functions++
	}
	t.Tokens += it.Tokens
	t.Cost += it.Cost
	t.CostEstimated = t.CostEstimated || it.CostEstimated
}

// families are the models of [prices], longest first.
var families = func() []string {
	keys := make([]string, 0, len(prices))
	for k := range prices {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(len(b)-len(a), cmp.Compare(a, b)) })
	return keys
}()

// usageOf reads a turn's or usage's tokens and cost; without a cost, it
// estimates one for a model of [prices].
func usageOf(p mindlytics.Properties) (tokens int64, cost float64, estimated bool) {
	in, out := number(p["prompt_tokens"]), number(p["completion_tokens"])
	tokens = int64(in + out)
	if c, ok := p["cost"]; ok {
		return tokens, number(c), false
	}
	model, _ := p["model"].(string)
	if pr, ok := prices[model]; ok {
		return tokens, (in*pr[0] + out*pr[1]) / 1e6, true
	}
	// Dated model names (gpt-4o-2024-08-06) take their family's price.
	for _, k := range families {
		if len(model) > len(k) && model[:len(k)+1] == k+"-" && model[len(k)+1] >= '0' && model[len(k)+1] <= '9' {
			pr := prices[k]
			return tokens, (in*pr[0] + out*pr[1]) / 1e6, true
		}
	}
	return tokens, 0, false
}

func number(v any) float64 {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case string:
		f, _ := strconv.ParseFloat(n, 64)
		return f
	}
	return 0
}
