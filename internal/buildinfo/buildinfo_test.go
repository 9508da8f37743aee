package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRead(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.26.2", Main: debug.Module{Path: "github.com/antwort-dev/antwort", Version: "v0.2.1-0.20261205101500-3f9c2a7e51d8+dirty"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "3f9c2a7e51d84b06a1c9e2f4d7b85a6000000000"},
			{Key: "vcs.time", Value: "2026-12-05T10:15:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	tests := []struct {
		name      string
		bi        *debug.BuildInfo
		ok        bool
		ldflags   [3]string
		want      Info
		wantShort string
	}{
		{"toolchain stamped", bi, true, [3]string{},
			Info{Version: "v0.2.1-0.20261205101500-3f9c2a7e51d8+dirty", Commit: "3f9c2a7e51d84b06a1c9e2f4d7b85a6000000000", Time: "2026-12-05T10:15:00Z", Modified: true, GoVersion: "go1.26.2"},
			"v0.2.1-0.20261205101500-3f9c2a7e51d8+dirty"},
		{"ldflags win", bi, true, [3]string{"v0.2.0", "abc", "2026-12-06T00:00:00Z"},
			Info{Version: "v0.2.0", Commit: "abc", Time: "2026-12-06T00:00:00Z", Modified: true, GoVersion: "go1.26.2"}, "v0.2.0"},
		{"devel with commit", &debug.BuildInfo{GoVersion: "go1.26.2", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "3f9c2a7e51d84b06"}}}, true, [3]string{},
			Info{Version: "(devel)", Commit: "3f9c2a7e51d84b06", GoVersion: "go1.26.2"}, "(devel) 3f9c2a7e51d8"},
	}
	defer func() { version, commit, date = "", "", "" }()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			version, commit, date = tt.ldflags[0], tt.ldflags[1], tt.ldflags[2]
			got := read(tt.bi, tt.ok)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("read() mismatch (-want +got):\n%s", diff)
			}
			if s := got.Short(); s != tt.wantShort {
				t.Errorf("Short() = %q, want %q", s, tt.wantShort)
			}
		})
	}
	version, commit, date = "", "", ""
	if got := read(nil, false); got.Version != "(devel)" || got.GoVersion == "" {
		t.Errorf("read(no build info) = %+v, want (devel) and the runtime's Go version", got)
	}
}
