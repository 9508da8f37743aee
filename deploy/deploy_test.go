// Package deploy holds the systemd units of antwort; its tests check them
// and the container image (../Dockerfile).
package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// units are the systemd units shipped, with the instance name to verify
// a template as.
var units = map[string]string{
	"antwort-serve.service":   "antwort-serve.service",
	"antwort-worker@.service": "antwort-worker@1.service",
}

// TestSystemdUnitsVerify runs systemd-analyze verify over each unit (and
// over each with its commented credential lines switched on): no error,
// no warning. The binary path is replaced by this test's own executable,
// which verify needs to exist.
func TestSystemdUnitsVerify(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not found (Debian package systemd): the unit files are not verified")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for src, as := range units {
		data, err := os.ReadFile(filepath.Join("systemd", src))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			text string
		}{
			{"as shipped", string(data)},
			{"credentials on", regexp.MustCompile(`(?m)^#((LoadCredential|Environment)=)`).ReplaceAllString(string(data), "$1")},
		} {
			t.Run(src+"/"+tt.name, func(t *testing.T) {
				text := strings.ReplaceAll(tt.text, "/usr/local/bin/antwort", self)
				if !strings.Contains(text, "DynamicUser=yes") || !strings.Contains(text, "ProtectSystem=strict") || !strings.Contains(text, "StateDirectory=") {
					t.Errorf("%s lacks DynamicUser=yes, ProtectSystem=strict or StateDirectory=", src)
				}
				dir := t.TempDir()
				path := filepath.Join(dir, as)
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, analyze, "verify", path)
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				if err != nil || len(bytes.TrimSpace(out)) > 0 {
					t.Errorf("systemd-analyze verify %s: %v\n%s", src, err, out)
				}
			})
		}
	}
}

// TestServeUnitLoadsTokensAsCredential keeps the serve unit's token file
// out of the environment and the command line.
func TestServeUnitLoadsTokensAsCredential(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("systemd", "antwort-serve.service"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	if !strings.Contains(s, "\nLoadCredential=tokens:") || !strings.Contains(s, "\nEnvironment=ANTWORT_TOKEN_FILE=%d/tokens") {
		t.Errorf("antwort-serve.service does not load its tokens with LoadCredential")
	}
}

// TestDockerfileShape checks what the image promises without building
// it: a multi-stage build of a static binary, a non-root user, the /data
// volume and a health check.
func TestDockerfileShape(t *testing.T) {
	data, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for _, want := range []string{"AS build", "FROM scratch AS runtime", "CGO_ENABLED=0", "USER 10001:10001", `VOLUME ["/data"]`,
		"HEALTHCHECK", `"healthcheck"`, "ANTWORT_DB=/data/", "ANTWORT_KB=/data/", "ANTWORT_JOURNAL=/data/"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
}

// containerTool returns podman or buildah, whichever is installed.
func containerTool(t *testing.T) string {
	for _, name := range []string{"podman", "buildah"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no container tool (podman or buildah, Debian packages of those names): the image is not built")
	return ""
}

// TestContainerImageBuilds builds the image with podman or buildah. The
// build stage needs the Go image (golang:1.26-bookworm): when it is not
// in local storage (nothing is pulled), the build stage
// is replaced by the same steps done on this machine, and the real
// runtime stage of the Dockerfile is built on top. The image is then
// inspected (user, volume, health check; the OCI format has no health
// check, hence --format docker) and, where the tool can run
// containers, 'antwort version' and 'antwort demo' run in it.
func TestContainerImageBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a container image")
	}
	tool := containerTool(t)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	run := func(dir string, args ...string) ([]byte, error) {
		cmd := exec.CommandContext(ctx, tool, args...)
		cmd.Dir = dir
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.Bytes(), err
	}
	const image = "localhost/antwort-test:latest"
	const version = "v0.0.0-imagetest"
	defer run(".", "rmi", "-f", image)

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dockerfile, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	goImage := regexp.MustCompile(`(?m)^ARG GO_IMAGE=(\S+)`).FindStringSubmatch(string(dockerfile))
	if goImage == nil {
		t.Fatal("Dockerfile has no ARG GO_IMAGE=…")
	}
	podman := filepath.Base(tool) == "podman"
	// Nothing is pulled: this machine reaches no container registry.
	_, err = run(".", "image", "exists", goImage[1])
	full := podman && err == nil
	if !full {
		t.Logf("%s is not in local storage; building the runtime stage on a build stage made here", goImage[1])
	}
	if full {
		if out, err := run(root, "build", "--format", "docker", "--pull=never", "-t", image, "--build-arg", "VERSION="+version, "-f", "Dockerfile", "."); err != nil {
			t.Fatalf("%s build: %v\n%s", tool, err, out)
		}
	} else {
		buildRuntimeStage(t, root, string(dockerfile), version, func(dir string, args ...string) {
			if out, err := run(dir, args...); err != nil {
				t.Fatalf("%s %s: %v\n%s", tool, strings.Join(args, " "), err, out)
			}
		}, image)
	}

	if !podman {
		t.Logf("the image built; inspecting and running it needs podman")
		return
	}
	out, err := run(".", "image", "inspect", image)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, out)
	}
	var inspected []struct {
		Config struct {
			User        string
			Volumes     map[string]any
			Entrypoint  []string
			Healthcheck *struct{ Test []string } // buildah
		}
		Healthcheck *struct{ Test []string } // podman
	}
	if err := json.Unmarshal(out, &inspected); err != nil || len(inspected) != 1 {
		t.Fatalf("inspect output: %v\n%s", err, out)
	}
	c := inspected[0].Config
	if c.Healthcheck == nil {
		c.Healthcheck = inspected[0].Healthcheck
	}
	if c.User != "10001:10001" {
		t.Errorf("image user = %q, want 10001:10001 (not root)", c.User)
	}
	if _, ok := c.Volumes["/data"]; !ok {
		t.Errorf("image volumes = %v, want /data", c.Volumes)
	}
	if c.Healthcheck == nil || !strings.Contains(strings.Join(c.Healthcheck.Test, " "), "healthcheck") {
		t.Errorf("image health check = %+v, want antwort healthcheck", c.Healthcheck)
	}

	out, err = run(".", "run", "--rm", image, "version")
	if err != nil {
		if m := regexp.MustCompile(`.*(OCI permission denied|Operation not permitted).*`).Find(out); m != nil {
			t.Logf("the image built, but %s cannot run containers on this machine: %s", filepath.Base(tool), m)
			return
		}
		t.Fatalf("run version: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), version) {
		t.Errorf("antwort version in the image = %q, want %s", out, version)
	}
	out, err = run(".", "run", "--rm", image, "demo")
	if err != nil || !strings.Contains(string(out), "held-out") {
		t.Errorf("antwort demo in the image: %v\n%s", err, out)
	}
}

// buildRuntimeStage does the Dockerfile's build stage on this machine
// (the same go build and the same files) and builds the Dockerfile's
// runtime stage on top of it with tool.
func buildRuntimeStage(t *testing.T, root, dockerfile, version string, tool func(dir string, args ...string), image string) {
	i := strings.Index(dockerfile, "FROM scratch AS runtime")
	if i < 0 {
		t.Fatal("Dockerfile has no runtime stage (FROM scratch AS runtime)")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	for _, d := range []string{"usr/local/bin", "etc/ssl/certs", "data", "tmp"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command on PATH to build the binary: %v", err)
	}
	gobuild := exec.CommandContext(ctx, goTool, "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X github.com/antwort-dev/antwort/internal/buildinfo.version="+version,
		"-o", filepath.Join(out, "usr/local/bin/antwort"), "./cmd/antwort")
	gobuild.Dir = root
	gobuild.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := gobuild.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	certs, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if errors.Is(err, os.ErrNotExist) {
		certs = nil // the image then has an empty bundle; TLS is not what this test checks
	} else if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"etc/ssl/certs/ca-certificates.crt": string(certs),
		"etc/passwd":                        "antwort:x:10001:10001:antwort:/data:/nonexistent\n",
		"etc/group":                         "antwort:x:10001:\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(out, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(out, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(out, "data"), 0o777); err != nil { // owned by 10001 in the real build
		t.Fatal(err)
	}
	containerfile := "FROM scratch AS build\nCOPY out/ /out/\n\n" + dockerfile[i:]
	if err := os.WriteFile(filepath.Join(dir, "Containerfile"), []byte(containerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	tool(dir, "build", "--format", "docker", "-t", image, "-f", "Containerfile", ".")
}
