package translate

import (
	"github.com/mindlytics/mindlytics-otel/internal/conventions"
	"github.com/mindlytics/mindlytics-otel/internal/translate/spanview"
	"github.com/mindlytics/mindlytics-otel/mindlytics"
	sc "github.com/mindlytics/mindlytics-otel/semconv"
)

// evaluations makes a track record of each gen_ai.evaluation.result event
// of a span: the evaluation of the call the span is, in its session and
// conversation, at the event's time.
func (t *Translator) evaluations(s *spanview.Span, i int) []record {
	var out []record
	for k := 0; k < s.Events().Len(); k++ {
		ev := s.Events().At(k)
		if ev.Name != conventions.GenAIEvaluationResultEvent {
			continue
		}
		props := mindlytics.Properties{}
		if n := ev.Attrs.Str(string(conventions.GenAIEvaluationNameKey)); n != "" {
			props["name"] = t.cut(n)
		}
		if v, ok := ev.Attrs.Get(string(conventions.GenAIEvaluationScoreValueKey)); ok {
			if f, ok := v.Float(); ok && f == f { // NaN is no score
				props["score"] = f
			}
		}
		if l := ev.Attrs.Str(string(conventions.GenAIEvaluationScoreLabelKey)); l != "" {
			props["label"] = t.cut(l)
		}
		if e := ev.Attrs.Str(string(conventions.GenAIEvaluationExplanationKey)); e != "" {
			props["explanation"] = t.cut(e)
		}
		if id := s.Attributes().Str(string(conventions.GenAIResponseIDKey)); id != "" {
			props["response_id"] = t.cut(id)
		}
		at := ev.Time
		if at.IsZero() {
			at = s.EndOrStart()
		}
		out = append(out, record{span: i, kind: sc.EventTrack, at: at, begin: s.StartTime(),
			name: conventions.EvaluationEventName, props: props, conversational: true,
			joined: s.Attributes().Str(string(conventions.SessionJoinedKey)) == "true"})
	}
	return out
}
