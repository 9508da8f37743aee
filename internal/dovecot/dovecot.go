// Package dovecot runs a throwaway Dovecot IMAP server as a child process,
// for antwort's integration tests and benchmarks: its configuration, mail
// and state live in one folder, it listens on a loopback port only,
// without TLS, and knows one user.
//
// Dovecot comes from the Debian package dovecot-imapd
// (apt-get install dovecot-imapd); .ci/run installs it. Run as root,
// Dovecot's own processes use the users dovecot and dovenull, and the mail
// belongs to nobody; as another user, everything runs as that user.
package dovecot

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrMissing is returned by Start when the dovecot binary is not installed.
var ErrMissing = errors.New("dovecot: not installed (apt-get install dovecot-imapd)")

// Options configure Start.
type Options struct {
	// User and Password of the one mailbox (default "service", "secret").
	User, Password string
	// NoIdle leaves IDLE out of the capabilities, as on a server without
	// it.
	NoIdle bool
}

// Server is a running Dovecot.
type Server struct {
	Dir      string // everything lives here
	Addr     string // 127.0.0.1:PORT
	User     string
	Password string

	conf string
	bin  string
	cmd  *exec.Cmd
	uid  int // owner of the mail
	gid  int
}

// Start writes a configuration into dir (created if needed) and starts
// Dovecot on a free loopback port; it returns once the server answers.
func Start(dir string, o Options) (*Server, error) {
	bin, err := binary("dovecot")
	if err != nil {
		return nil, err
	}
	if o.User == "" {
		o.User = "service"
	}
	if o.Password == "" {
		o.Password = "secret"
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, User: o.User, Password: o.Password, conf: filepath.Join(dir, "dovecot.conf"), bin: bin}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s.Addr = "127.0.0.1:" + strconv.Itoa(port)
	for _, d := range []string{"run", "state", "mail"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	// Dovecot's unprivileged processes must reach the folder.
	for d := dir; d != "/" && d != "."; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o005 != 0o005 && os.Geteuid() == 0 {
			os.Chmod(d, fi.Mode().Perm()|0o005)
		}
	}
	login, internal, group := "dovenull", "dovecot", "dovecot"
	s.uid, s.gid = 65534, 65534 // nobody
	if os.Geteuid() != 0 {
		u, err := user.Current()
		if err != nil {
			return nil, err
		}
		g, err := user.LookupGroupId(u.Gid)
		if err != nil {
			return nil, err
		}
		login, internal, group = u.Username, u.Username, g.Name
		s.uid, s.gid = os.Geteuid(), os.Getegid()
	}
	if err := os.Chown(filepath.Join(dir, "mail"), s.uid, s.gid); err != nil {
		return nil, err
	}
	capability := ""
	if o.NoIdle {
		capability = "protocol imap {\n  imap_capability = IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE LITERAL+ UIDPLUS MOVE SPECIAL-USE\n}\n"
	}
	conf := fmt.Sprintf(`# written by antwort's tests; throwaway
base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = %[3]s
default_internal_user = %[4]s
default_internal_group = %[5]s
mail_location = maildir:%[1]s/mail/%%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[6]d gid=%[7]d home=%[1]s/mail/%%u
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = %[2]d
  }
  inet_listener imaps {
    port = 0
  }
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
}
%[8]s`, dir, port, login, internal, group, s.uid, s.gid, capability)
	if err := os.WriteFile(s.conf, []byte(conf), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(o.User+":{PLAIN}"+o.Password+"\n"), 0o644); err != nil {
		return nil, err
	}
	return s, s.start()
}

func (s *Server) start() error {
	cmd := exec.Command(s.bin, "-F", "-c", s.conf)
	// Its own process group, so Kill reaches the children too; and it
	// dies with the test or benchmark that started it, even one that is
	// killed before it could stop it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	s.cmd = cmd
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			log, _ := os.ReadFile(filepath.Join(s.Dir, "dovecot.log"))
			return fmt.Errorf("dovecot exited at start: %s%s", out.String(), tail(string(log)))
		default:
		}
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			buf := make([]byte, 64)
			c.SetReadDeadline(time.Now().Add(2 * time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if strings.HasPrefix(string(buf[:n]), "* OK") {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.Kill()
	return fmt.Errorf("dovecot did not answer on %s within 15 s", s.Addr)
}

func tail(s string) string {
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return s
}

// Stop ends Dovecot as a service stop does (SIGTERM) and waits for it.
func (s *Server) Stop() error { return s.signal(syscall.SIGTERM) }

// Kill ends Dovecot and all its processes at once (SIGKILL), as a crash
// does.
func (s *Server) Kill() error { return s.signal(syscall.SIGKILL) }

func (s *Server) signal(sig syscall.Signal) error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	pid := s.cmd.Process.Pid
	syscall.Kill(-pid, sig) // the process group: master and children
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil && !groupAlive(pid) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.cmd = nil
	return nil
}

// groupAlive reports whether a process of the group pgid is left.
func groupAlive(pgid int) bool {
	return syscall.Kill(-pgid, 0) == nil
}

// Restart kills Dovecot and starts it again on the same port, with the
// same mail.
func (s *Server) Restart() error {
	s.Kill()
	return s.start()
}

// URL is the folder's imap:// URL (plain text, loopback).
func (s *Server) URL(folder string) string {
	return "imap://" + s.User + "@" + s.Addr + "/" + folder + "?tls=none"
}

// Maildir is the Maildir of the INBOX. Mail files put into its new/
// (and given to the mail's owner with Chown) are taken up by Dovecot at
// its next look; Deliver does both.
func (s *Server) Maildir() string { return filepath.Join(s.Dir, "mail", s.User) }

// Deliver writes raw mails into the INBOX's Maildir, as a local delivery
// agent does.
func (s *Server) Deliver(raws ...[]byte) error {
	md := s.Maildir()
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o700); err != nil {
			return err
		}
		os.Chown(filepath.Join(md, sub), s.uid, s.gid)
	}
	os.Chown(md, s.uid, s.gid)
	for i, raw := range raws {
		name := fmt.Sprintf("%d.M%dP%d_%d.antwort-test", time.Now().Unix(), time.Now().Nanosecond()/1000, os.Getpid(), i)
		tmp := filepath.Join(md, "tmp", name)
		if err := os.WriteFile(tmp, raw, 0o600); err != nil {
			return err
		}
		os.Chown(tmp, s.uid, s.gid)
		if err := os.Rename(tmp, filepath.Join(md, "new", name)); err != nil {
			return err
		}
	}
	return nil
}

// Chown gives path (recursively) to the owner of the mail, for files
// copied into the Maildir by other means.
func (s *Server) Chown(path string) error {
	return filepath.Walk(path, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, s.uid, s.gid)
	})
}

// Doveadm runs a doveadm command for the user with the server's
// configuration: Doveadm("mailbox update", "--uid-validity", "42", "INBOX")
// runs "doveadm -c CONF mailbox update -u USER --uid-validity 42 INBOX".
func (s *Server) Doveadm(command string, args ...string) ([]byte, error) {
	bin, err := binary("doveadm")
	if err != nil {
		return nil, err
	}
	full := append([]string{"-c", s.conf}, strings.Fields(command)...)
	full = append(append(full, "-u", s.User), args...)
	out, err := exec.Command(bin, full...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("doveadm %s: %v: %s", strings.Join(full[2:], " "), err, out)
	}
	return out, nil
}

// binary finds a Dovecot program on PATH or in /usr/sbin, /usr/bin.
func binary(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin"} {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return filepath.Join(d, name), nil
		}
	}
	return "", ErrMissing
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
