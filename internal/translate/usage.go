package translate

import (
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// MaxNameLength bounds names that are not ids (models, tools), whatever
// MaxStringLength says: a 10 MB name would make an event no request can
// carry, refused only after its session's start went out. Longer names are
// cut and marked.
const MaxNameLength = 256

// usageInfo is the model, token counts and known cost of a model call.
type usageInfo struct {
	model     string
	in, out   int64
	hasTokens bool
	cost      float64
	// cached, cacheWrite and reasoning are details of in and out, sent as
	// extra properties (Mindlytics prices prompt and completion tokens by
	// model and has no cache fields); -1 when not reported.
	cached, cacheWrite, reasoning int64
	// responseID is the provider's id of the response, when known.
	responseID string
}

var (
	modelKeys = []string{
		string(sc.ResponseModelKey), string(sc.RequestModelKey), string(sc.LLMModelNameKey),
		string(sc.VercelResponseModelKey), string(sc.VercelModelIDKey),
	}
	inputTokenKeys = []string{
		string(sc.InputTokensKey), string(sc.GenAIUsagePromptTokensKey), string(sc.LLMTokenCountPromptKey),
		string(sc.VercelUsageInputTokensKey), string(sc.VercelUsagePromptTokensKey),
	}
	outputTokenKeys = []string{
		string(sc.OutputTokensKey), string(sc.GenAIUsageCompletionTokensKey), string(sc.LLMTokenCountCompletionKey),
		string(sc.VercelUsageOutputTokensKey), string(sc.VercelUsageCompletionTokensKey),
	}
	cachedTokenKeys = []string{
		string(sc.GenAIUsageCacheReadInputTokensKey), string(sc.LLMTokenCountCacheReadKey),
		string(sc.VercelUsageCacheReadTokensKey), string(sc.VercelUsageCachedInputTokensKey),
	}
	cacheWriteTokenKeys = []string{
		string(sc.GenAIUsageCacheWriteInputTokensKey), string(sc.GenAIUsageCacheCreationInputTokensKey),
		string(sc.LLMTokenCountCacheWriteKey),
	}
	reasoningTokenKeys = []string{
		string(sc.GenAIUsageReasoningOutputTokensKey), string(sc.LLMTokenCountReasoningKey),
		string(sc.VercelUsageOutputReasoningTokensKey), string(sc.VercelUsageReasoningTokensKey),
	}
	costKeys = []string{string(sc.UsageCostKey), string(sc.LLMCostTotalKey)}
)

// usageOf reads usage: the response model before the requested one, current
// GenAI keys before deprecated ones before OpenInference's and the Vercel
// AI SDK's. Input tokens include cached ones, as the GenAI conventions
// define them; instrumentations that follow them (the Anthropic SDK's
// included) already add the cache counts in.
func usageOf(a Attrs) usageInfo {
	var u usageInfo
	u.model = truncate(firstStr(a, modelKeys...), MaxNameLength)
	var okIn, okOut bool
	u.in, okIn = firstInt(a, inputTokenKeys...)
	u.out, okOut = firstInt(a, outputTokenKeys...)
	u.hasTokens = okIn || okOut
	u.cached = firstIntOr(a, -1, cachedTokenKeys...)
	u.cacheWrite = firstIntOr(a, -1, cacheWriteTokenKeys...)
	u.reasoning = firstIntOr(a, -1, reasoningTokenKeys...)
	u.responseID = a.Str(string(sc.GenAIResponseIDKey))
	for _, k := range costKeys {
		if v, ok := a.Get(k); ok {
			if f, ok := v.Float(); ok && f > 0 && f < 1e12 { // negative, NaN and absurd costs are not costs
				u.cost = f
				break
			}
		}
	}
	return u
}

// countable says whether the call has anything Mindlytics can count.
func (u usageInfo) countable() bool { return u.cost > 0 || (u.model != "" && u.hasTokens) }

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
	return p
}

func firstIntOr(a Attrs, def int64, keys ...string) int64 {
	if n, ok := firstInt(a, keys...); ok {
		return n
	}
	return def
}
