//go:build !linux

package ingest

// readRegularFile is the fast way of reading a mail file where there is
// one (see source_linux.go); here ok is always false, and
// readMailBytesStat reads the file.
func readRegularFile(path string, maxBytes int64) (raw []byte, ok bool, err error) {
	return nil, false, nil
}
