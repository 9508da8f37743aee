package ingest

import (
	"io/fs"
	"os"
	"syscall"
)

// readRegularFile reads the mail file at path, of at most maxBytes bytes,
// with four system calls (open, fstat, read, close) where os.Stat,
// os.Open (open, fcntl, epoll_ctl, fcntl), two reads and a close took
// eight or more: reading a Maildir was a tenth of a batch run's CPU. ok
// is false when path cannot be opened; readMailBytesStat then says why.
// A path that is not a regular file gives nil, nil, true as in
// readMailBytesStat; O_NONBLOCK keeps the open of a FIFO from blocking.
//
// The size fstat gives is read with one read of size+1 bytes: a shorter
// read that reaches the size is the end of the file, so no read is spent
// on seeing it. A file that grows meanwhile is read on to its end (or
// past maxBytes, which is an error) as before.
func readRegularFile(path string, maxBytes int64) (raw []byte, ok bool, err error) {
	return readRegularFileAt(atFDCWD, path, maxBytes)
}

// atFDCWD is Linux's AT_FDCWD (on every architecture): openat reads a
// relative name from the working folder.
const atFDCWD = -100

// readRegularFileAt is readRegularFile for the file name in the folder
// open as dir (or, with atFDCWD, the path name): the kernel
// looks up one name rather than every folder of the path again.
func readRegularFileAt(dir int, name string, maxBytes int64) (raw []byte, ok bool, err error) {
	var fd int
	for {
		fd, err = syscall.Openat(dir, name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, false, nil
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, false, nil
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, true, nil
	}
	size := st.Size
	if size > maxBytes {
		return nil, true, errorf(ErrTooLarge, "file is %d bytes, over the limit of %d", size, maxBytes)
	}
	limit := maxBytes + 1 // bytes read at most: one more than allowed tells a file over the limit
	b := make([]byte, 0, min(size, maxBytes)+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // the file grew
		}
		want := min(int64(cap(b)-len(b)), limit-int64(len(b)))
		n, err := syscall.Read(fd, b[len(b):len(b)+int(want)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, true, pathErr(&fs.PathError{Op: "read", Path: name, Err: err})
		}
		b = b[:len(b)+n]
		if n == 0 || int64(len(b)) >= limit || int64(n) < want && int64(len(b)) >= size {
			break
		}
	}
	if int64(len(b)) > maxBytes {
		return nil, true, errorf(ErrTooLarge, "file is over the limit of %d bytes", maxBytes)
	}
	return b, true, nil
}

// dirFD returns the descriptor of the open folder f, for
// readMailBytesIn.
func dirFD(f *os.File) int { return int(f.Fd()) }

// readMailBytesIn is readMailBytes(path, max) for the file name in the
// folder open as dir (see dirFD), path being that folder's path joined
// with name.
func readMailBytesIn(dir int, name, path string, max int64) ([]byte, error) {
	if raw, ok, err := readRegularFileAt(dir, name, max); ok {
		return raw, err
	}
	return readMailBytesStat(path, max)
}
