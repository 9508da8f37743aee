//go:build !linux

package ingest

import "os"

// readRegularFile is the fast way of reading a mail file where there is
// one (see source_linux.go); here ok is always false, and
// readMailBytesStat reads the file.
func readRegularFile(path string, maxBytes int64) (raw []byte, ok bool, err error) {
	return nil, false, nil
}

// dirFD is -1: readMailBytesIn reads by path here.
func dirFD(*os.File) int { return -1 }

// readMailBytesIn is readMailBytes(path, max) here.
func readMailBytesIn(dir int, name, path string, max int64) ([]byte, error) {
	return readMailBytes(path, max)
}
