package messages

import (
	"strconv"
	"testing"
)

// BenchmarkSummarizeLoad summarizes the input and output messages of the
// collector load's chat span (pdataview's loadBatch), for instruction
// counts of the scanner alone.
func BenchmarkSummarizeLoad(b *testing.B) {
	out := `[{"role":"assistant","parts":[{"type":"text","content":"It ships tomorrow."}],"finish_reason":"stop"}]`
	ins := make([]string, 64)
	for i := range ins {
		ins[i] = `[{"role":"user","parts":[{"type":"text","content":"Where is my order #` + strconv.Itoa(10000+i) + `?"}]}]`
	}
	for i := 0; i < b.N; i++ {
		in, _ := Summarize(ins[i%len(ins)])
		o, _ := Summarize(out)
		if in.LastUser == "" || o.Out.Assistant == "" {
			b.Fatal("no texts")
		}
	}
}

// BenchmarkValidToolArgs is isJSONContainer's question of the load's
// tool span: are its arguments JSON?
func BenchmarkValidToolArgs(b *testing.B) {
	args := make([]string, 64)
	for i := range args {
		args[i] = `{"order":` + strconv.Itoa(10000+i) + `}`
	}
	for i := 0; i < b.N; i++ {
		if s := TrimSpace(args[i%len(args)]); !Valid(s) {
			b.Fatal("not valid")
		}
	}
}
