package translate

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// TestCallPrintIsFortyBytes: its flags together, no padding between
// (stacked.go).
func TestCallPrintIsFortyBytes(t *testing.T) {
	assert.Equal(t, uintptr(40), unsafe.Sizeof(callPrint{}))
}
