// Package buildinfo says which build of antwort is running: its version,
// the commit it was built from and the Go version, from
// runtime/debug.ReadBuildInfo, or from -ldflags for release builds:
//
//	go build -ldflags "-X github.com/antwort-dev/antwort/internal/buildinfo.version=v0.2.0 \
//	    -X github.com/antwort-dev/antwort/internal/buildinfo.commit=$(git rev-parse HEAD) \
//	    -X github.com/antwort-dev/antwort/internal/buildinfo.date=$(git log -1 --format=%cI)" ./cmd/antwort
//
// Values given with -ldflags win over what the Go toolchain recorded.
// The package imports nothing but the standard library, so every other
// package may use it.
package buildinfo

import (
	"runtime"
	"runtime/debug"
	"sync"
)

// Set with -ldflags -X (see the package documentation).
var version, commit, date string

// Info describes a build.
type Info struct {
	// Version is the module version: a tag such as "v0.2.0", a
	// pseudo-version the Go toolchain derived from the commit, or
	// "(devel)" for a build without version information.
	Version string
	// Commit is the VCS revision ("" when not recorded), Time its commit
	// time (RFC 3339), and Modified whether the work tree had changes.
	Commit   string
	Time     string
	Modified bool
	// GoVersion is the Go release that built the binary ("go1.26.2").
	GoVersion string
}

var (
	once   sync.Once
	cached Info
)

// Read returns the running binary's build information.
func Read() Info {
	once.Do(func() { cached = read(debug.ReadBuildInfo()) })
	return cached
}

// read builds an Info from what ReadBuildInfo returned and the -ldflags
// values.
func read(bi *debug.BuildInfo, ok bool) Info {
	in := Info{Version: "(devel)", GoVersion: runtime.Version()}
	if ok && bi != nil {
		if v := bi.Main.Version; v != "" {
			in.Version = v
		}
		if bi.GoVersion != "" {
			in.GoVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				in.Commit = s.Value
			case "vcs.time":
				in.Time = s.Value
			case "vcs.modified":
				in.Modified = s.Value == "true"
			}
		}
	}
	if version != "" {
		in.Version = version
	}
	if commit != "" {
		in.Commit = commit
	}
	if date != "" {
		in.Time = date
	}
	return in
}

// Short is the version, followed by the first 12 digits of the commit
// for a build without a version: "v0.2.0",
// "v0.2.1-0.20261205101500-3f9c2a7e51d8+dirty", "(devel) 3f9c2a7e51d8",
// "(devel) 3f9c2a7e51d8+dirty".
func (in Info) Short() string {
	if in.Version != "(devel)" || in.Commit == "" {
		return in.Version
	}
	c := in.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	s := in.Version + " " + c
	if in.Modified {
		s += "+dirty"
	}
	return s
}
