package translate

import (
	"fmt"
	"slices"
	"strings"

	"go.opentelemetry.io/otel/attribute"

	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// MaxNameLength bounds names that are not ids (models, tools), whatever
// MaxStringLength says: a 10 MB name would make an event no request can
// carry, refused only after its session's start went out. Longer names are
// cut and marked.
const MaxNameLength = 256

// MaxModelLength bounds model names: the service's clients accept a usage
// model of at most 100 characters (mlsdk-python TokenBasedCost), so a
// longer one is cut and marked to fit, not refused.
const MaxModelLength = MaxIDLength

// usageInfo is the model, token counts and known cost of a model call.
type usageInfo struct {
	model     string
	in, out   int64
	hasTokens bool
	cost      float64
	// zeroCost: a cost of 0 was given (no known cost, except on a span
	// that asks for a usage event and names no model: the service takes a
	// usage costing 0).
	zeroCost bool
	// cached, cacheWrite and reasoning are details of in and out, sent as
	// extra properties (Mindlytics prices prompt and completion tokens by
	// model and has no cache fields); -1 when not reported.
	cached, cacheWrite, reasoning int64
	// responseID is the provider's id of the response, when known.
	responseID string
	// costSource says who computed the cost (gen_ai.usage.cost.source).
	costSource string
	// modal are the per-modality token counts (image_input_tokens, …),
	// details like cached.
	modal mindlytics.Properties
	// ignored lists the values not used, and why.
	ignored []ignoredValue
}

// maxTokens is the most tokens one call is believed to use: a count above
// it is a broken counter, not usage.
const maxTokens = 100_000_000

var (
	modelKeys = []string{
		string(sc.ResponseModelKey), string(sc.RequestModelKey), string(conventions.LLMModelNameKey),
		string(conventions.VercelResponseModelKey), string(conventions.VercelModelIDKey),
	}
	inputTokenKeys = []string{
		string(sc.InputTokensKey), string(conventions.GenAIUsagePromptTokensKey), string(conventions.LLMTokenCountPromptKey),
		string(conventions.VercelUsageInputTokensKey), string(conventions.VercelUsagePromptTokensKey),
	}
	outputTokenKeys = []string{
		string(sc.OutputTokensKey), string(conventions.GenAIUsageCompletionTokensKey), string(conventions.LLMTokenCountCompletionKey),
		string(conventions.VercelUsageOutputTokensKey), string(conventions.VercelUsageCompletionTokensKey),
	}
	cachedTokenKeys = []string{
		string(conventions.GenAIUsageCacheReadInputTokensKey), string(conventions.LLMTokenCountCacheReadKey),
		string(conventions.VercelUsageCacheReadTokensKey), string(conventions.VercelUsageCachedInputTokensKey),
	}
	cacheWriteTokenKeys = []string{
		string(conventions.GenAIUsageCacheWriteInputTokensKey), string(conventions.GenAIUsageCacheCreationInputTokensKey),
		string(conventions.LLMTokenCountCacheWriteKey),
	}
	reasoningTokenKeys = []string{
		string(conventions.GenAIUsageReasoningOutputTokensKey), string(conventions.LLMTokenCountReasoningKey), string(conventions.MastraReasoningTokensKey),
		string(conventions.VercelUsageOutputReasoningTokensKey), string(conventions.VercelUsageReasoningTokensKey),
	}
	costKeys = []string{string(sc.UsageCostKey), string(conventions.LLMCostTotalKey), string(conventions.GenAIUsageCostAmountKey), string(conventions.GenAIUsageCostKey)}

	// The same keys in the attribute view.
	modelVKs          = registerKeys(modelKeys...)
	inputTokenVKs     = registerKeys(inputTokenKeys...)
	outputTokenVKs    = registerKeys(outputTokenKeys...)
	cachedTokenVKs    = registerKeys(cachedTokenKeys...)
	cacheWriteTokenVK = registerKeys(cacheWriteTokenKeys...)
	reasoningTokenVKs = registerKeys(reasoningTokenKeys...)
	costVKs           = registerKeys(costKeys...)
	tokenDetailVKs    = slices.Concat(cachedTokenVKs, cacheWriteTokenVK, reasoningTokenVKs)
	responseIDVK      = registerKey(string(conventions.GenAIResponseIDKey))
	costCurrencyVK    = registerKey(string(conventions.GenAIUsageCostCurrencyKey))
	costSourceVK      = registerKey(string(conventions.GenAIUsageCostSourceKey))
	costAmountVK      = registerKey(string(conventions.GenAIUsageCostAmountKey))
)

// usageOf reads usage: the response model before the requested one, current
// GenAI keys before deprecated ones before OpenInference's and the Vercel
// AI SDK's. Input tokens include cached ones, as the GenAI conventions
// define them; instrumentations that follow them (the Anthropic SDK's
// included) already add the cache counts in.
func usageOf(a *attrView) usageInfo {
	var u usageInfo
	u.model = truncate(a.firstStr(modelVKs), MaxModelLength)
	var okIn, okOut bool
	u.in, okIn = u.tokens(a, inputTokenVKs)
	u.out, okOut = u.tokens(a, outputTokenVKs)
	u.hasTokens = okIn || okOut
	u.cached, u.cacheWrite, u.reasoning = -1, -1, -1
	if mayHaveAny(a, tokenDetailVKs) { // most calls report none of the details
		u.cached = u.tokensOr(a, cachedTokenVKs)
		u.cacheWrite = u.tokensOr(a, cacheWriteTokenVK)
		u.reasoning = u.tokensOr(a, reasoningTokenVKs)
	}
	u.responseID = a.str(responseIDVK)
	genkitUsage(a, &u)
	for _, id := range costVKs {
		if !mayHave(a, id) {
			continue
		}
		v, ok := a.get(id)
		if !ok {
			continue
		}
		k := viewKeyNames[id]
		if id == costAmountVK {
			if cur := a.str(costCurrencyVK); cur != "" && !strings.EqualFold(cur, "USD") {
				u.ignored = append(u.ignored, ignoredValue{k, fmt.Sprintf("a cost in %s is not converted: the call is priced by its model", truncate(cur, 16))})
				continue
			}
		}
		f, ok := v.Float()
		switch {
		case !ok || f != f || f < 0 || f >= 1e12: // not a number, NaN, negative, absurd (and +Inf)
			u.ignored = append(u.ignored, ignoredValue{k, fmt.Sprintf("%s is not a cost in USD", v.AsString())})
			continue
		case f == 0:
			u.zeroCost = true
			continue // zero: no known cost
		}
		u.cost = f
		u.costSource = truncate(a.str(costSourceVK), MaxNameLength)
		break
	}
	return u
}

// wholeInput adds the cache counts to an input count that leaves them out:
// one of a scope known to report the provider's own count
// (conventions.InputExcludesCacheScopes), or one smaller than the cache
// counts it would include (which cannot be a count of the whole input).
func (u *usageInfo) wholeInput(scope string) {
	cache := max(u.cached, 0) + max(u.cacheWrite, 0)
	if !u.hasTokens || u.in == 0 || cache == 0 {
		return
	}
	if u.in < cache || slices.Contains(conventions.InputExcludesCacheScopes, scope) {
		u.in += cache
	}
}

// tokens reads the first of keys that is set: a count from 0 to maxTokens.
// Other values are ignored, and said so.
func (u *usageInfo) tokens(a *attrView, keys []viewKey) (int64, bool) {
	for _, id := range keys {
		if !mayHave(a, id) {
			continue
		}
		if n, ok := indexedCount(a, id); ok {
			return n, true
		}
		v, ok := a.get(id)
		if !ok {
			continue
		}
		if n, ok := v.Int(); ok && n >= 0 && n <= maxTokens {
			return n, true
		}
		u.ignored = append(u.ignored, ignoredValue{viewKeyNames[id], fmt.Sprintf("%s is not a token count (0 to %d)", truncate(v.AsString(), 40), maxTokens)})
	}
	return 0, false
}

// indexedCount is the count an indexed integer attribute of key k holds,
// as tokens reads it, in the span's attributes as they are: a model call's
// counts nearly always are integers, and the Value that get makes, its
// Kind and Int cost each count some tens of instructions. ok is false for
// anything else (a string, a count out of range, a scanned view): tokens
// reads those as Values.
func indexedCount(a *attrView, k viewKey) (int64, bool) {
	if v := a.indexed(k); v != nil && v.Type() == attribute.INT64 {
		if n := v.AsInt64(); n >= 0 && n <= maxTokens {
			return n, true
		}
	}
	return 0, false
}

// mayHave says whether the view may hold key k, as attrView.get tells an
// absent key inline: a model call asks for some twenty usage keys, most of
// them absent (a view that scans its attributes marks every key, see
// linearPos).
func mayHave(a *attrView, k viewKey) bool { return a.pos[k] != 0 }

// mayHaveAny says whether the view may hold any of keys.
func mayHaveAny(a *attrView, keys []viewKey) bool {
	for _, k := range keys {
		if a.pos[k] != 0 {
			return true
		}
	}
	return false
}

func (u *usageInfo) tokensOr(a *attrView, keys []viewKey) int64 {
	if n, ok := u.tokens(a, keys); ok {
		return n
	}
	return -1
}

// details are the token details as extra properties of the call's event.
func (u usageInfo) details() map[string]any {
	var p map[string]any
	put := func(k string, n int64) {
		if n < 0 {
			return
		}
		if p == nil {
			p = make(map[string]any, 3)
		}
		p[k] = n
	}
	put("cached_tokens", u.cached)
	put("cache_write_tokens", u.cacheWrite)
	put("reasoning_tokens", u.reasoning)
	for k, v := range u.modal {
		if p == nil {
			p = make(map[string]any, len(u.modal))
		}
		p[k] = v
	}
	if u.costSource != "" && u.cost > 0 {
		if p == nil {
			p = make(map[string]any, 1)
		}
		p["cost_source"] = u.costSource
	}
	return p
}
