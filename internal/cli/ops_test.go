package cli

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// TestVersionFromBuildInfo prints the build's version and Go release
// instead of a constant.
func TestVersionFromBuildInfo(t *testing.T) {
	code, out, errOut := run(t, "", "version", "--format", "json")
	if code != ExitOK {
		t.Fatalf("version: exit %d: %s", code, errOut)
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("version --format json = %q: %v", out, err)
	}
	if v["go"] != runtime.Version() || v["version"] == "" || v["version"] == "0.1.0" {
		t.Errorf("version = %v, want the build's version and %s", v, runtime.Version())
	}
	code, out, _ = run(t, "", "version")
	if code != ExitOK || !strings.HasPrefix(out, "antwort ") || !strings.Contains(out, runtime.Version()) {
		t.Errorf("version = %d %q", code, out)
	}
}
