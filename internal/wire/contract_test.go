package wire

import (
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestVersionIsTheRelease keeps Version, sent in the User-Agent, equal to
// the release version of versions.yaml, the one place it is set (make
// set-version writes the go.mod files; this constant follows by hand).
func TestVersionIsTheRelease(t *testing.T) {
	raw, err := os.ReadFile("../../versions.yaml")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s+version: v(\S+)$`).FindSubmatch(raw)
	require.NotNil(t, m, "versions.yaml has no version")
	require.Equal(t, string(m[1]), Version, "internal/wire.Version differs from versions.yaml: change it with the release")
}
