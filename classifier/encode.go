package classifier

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math"
	"slices"
)

// Encoding layout (little endian):
//
//	magic      "antwort-model\x00" (14 bytes)
//	version    uint32 (FormatVersion)
//	header     uint32 length + JSON (kind, labels, features, temperature, thresholds, meta)
//	vocabulary uvarint count, then uvarint deltas of the sorted keys, then count float32 IDFs
//	weights    per column: float32 scale, then one int8 per label (weight = q·scale)
//	bias       one float32 per label
//	crc        uint32 CRC-32 (IEEE) of everything before it
const magic = "antwort-model\x00"

// FormatVersion is the version of the binary model encoding this code
// writes. UnmarshalBinary reads every version up to it and refuses newer
// ones with ErrNewerFormat. Version 2 added the calibration (confidence map
// and scope quantiles) to the header: code that reads only version 1 would
// silently ignore it and report other confidences.
const FormatVersion = 2

type header struct {
	Kind            Kind               `json:"kind"`
	Labels          []string           `json:"labels"`
	Features        FeatureOptions     `json:"features"`
	Temperature     float64            `json:"temperature"`
	Calibration     *calibration       `json:"calibration,omitempty"` // version 2
	Threshold       float64            `json:"threshold"`
	LabelThresholds map[string]float64 `json:"label_thresholds,omitempty"`
	Meta            Meta               `json:"meta"`
}

// MarshalBinary encodes the model, thresholds included. Weights are stored
// with 8 bits per weight and a scale per feature, exactly as the model uses
// them in memory.
func (m *Model) MarshalBinary() ([]byte, error) {
	h := header{
		Kind: m.kind, Labels: m.labels, Features: m.fo, Temperature: m.temp,
		Threshold: m.threshold, LabelThresholds: m.LabelThresholds(), Meta: m.meta,
	}
	if m.cal.set() || len(m.cal.Scope) > 0 {
		h.Calibration = &m.cal
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("classifier: encode header: %w", err)
	}
	k := len(m.labels)
	d := len(m.voc.keys)
	var b bytes.Buffer
	b.Grow(len(magic) + 8 + len(hj) + d*(9+k) + 4*k + 4)
	b.WriteString(magic)
	b.Write(binary.LittleEndian.AppendUint32(nil, FormatVersion))
	b.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(hj))))
	b.Write(hj)
	buf := binary.AppendUvarint(nil, uint64(d))
	prev := uint32(0)
	for _, key := range m.voc.keys {
		buf = binary.AppendUvarint(buf, uint64(key-prev))
		prev = key
	}
	b.Write(buf)
	buf = buf[:0]
	for _, x := range m.voc.idf {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
	}
	b.Write(buf)
	row := make([]byte, 4+k)
	for c := range d {
		binary.LittleEndian.PutUint32(row, math.Float32bits(m.w.scale[c]))
		for j, q := range m.w.q[c*k : c*k+k] {
			row[4+j] = byte(q)
		}
		b.Write(row)
	}
	buf = buf[:0]
	for _, x := range m.bias {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
	}
	b.Write(buf)
	b.Write(binary.LittleEndian.AppendUint32(nil, crc32.ChecksumIEEE(b.Bytes())))
	return b.Bytes(), nil
}

// UnmarshalModel decodes a model written by MarshalBinary.
func UnmarshalModel(data []byte) (*Model, error) {
	m := new(Model)
	if err := m.UnmarshalBinary(data); err != nil {
		return nil, err
	}
	return m, nil
}

// UnmarshalBinary decodes a model written by MarshalBinary into m. Data
// that is not a model, is truncated or corrupt yields an error wrapping
// ErrFormat; a model from a newer format version, ErrNewerFormat.
func (m *Model) UnmarshalBinary(data []byte) error {
	bad := func(what string) error { return fmt.Errorf("%w: %s", ErrFormat, what) }
	if len(data) < len(magic)+12 || string(data[:len(magic)]) != magic {
		return bad("missing magic header")
	}
	v := binary.LittleEndian.Uint32(data[len(magic):])
	if v > FormatVersion {
		return fmt.Errorf("%w: version %d, this build reads up to %d", ErrNewerFormat, v, FormatVersion)
	}
	if v == 0 {
		return bad("format version 0")
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return bad("checksum mismatch (truncated or corrupt)")
	}
	p := body[len(magic)+4:]
	hl := binary.LittleEndian.Uint32(p)
	p = p[4:]
	if uint64(hl) > uint64(len(p)) {
		return bad("header length beyond end")
	}
	var h header
	if err := json.Unmarshal(p[:hl], &h); err != nil {
		return bad("header: " + err.Error())
	}
	p = p[hl:]
	k := len(h.Labels)
	switch {
	case h.Kind != SVM && h.Kind != NB:
		return bad(fmt.Sprintf("unknown kind %q", h.Kind))
	case k < 2:
		return bad("fewer than two labels")
	case k > maxLabels:
		return bad("too many labels")
	case !slices.IsSorted(h.Labels) || len(slices.Compact(slices.Clone(h.Labels))) != k:
		return bad("labels not sorted and unique")
	case h.Features.validate() != nil:
		return bad("feature options: " + h.Features.validate().Error())
	case !(h.Temperature > 0) || math.IsInf(h.Temperature, 0):
		return bad("temperature not positive")
	case !(h.Threshold >= 0 && h.Threshold <= 1):
		return bad("threshold outside [0,1]")
	}
	var cal calibration
	if c := h.Calibration; c != nil {
		if math.IsNaN(c.A) || math.IsInf(c.A, 0) || !(c.B >= 0) || math.IsInf(c.B, 0) || !slices.IsSorted(c.Scope) ||
			slices.ContainsFunc(c.Scope, func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }) {
			return bad("calibration not finite, negative slope or unsorted scope")
		}
		if v := c.V; len(v) != 0 && (len(v) != 3 || !(v[0] >= 0) || !(v[2] >= 0) || math.IsInf(v[0], 0) || math.IsInf(v[2], 0) ||
			math.IsNaN(v[1]) || math.IsInf(v[1], 0)) {
			return bad("calibration covariance not three finite values with non-negative variances")
		}
		cal = *c
	}
	d64, n := binary.Uvarint(p)
	if n <= 0 {
		return bad("vocabulary size")
	}
	p = p[n:]
	// Each column needs at least 1 key byte, 4 IDF bytes and 4+k weight bytes.
	if d64 > uint64(len(p))/uint64(9+k) || d64 > 1<<h.Features.Bits {
		return bad("vocabulary size beyond data")
	}
	d := int(d64)
	voc := vocab{bits: h.Features.Bits, keys: make([]uint32, d), idf: make([]float32, d)}
	prev := uint64(0)
	for c := range d {
		delta, n := binary.Uvarint(p)
		if n <= 0 || (c > 0 && delta == 0) {
			return bad("vocabulary keys")
		}
		p = p[n:]
		prev += delta
		if prev >= 1<<(h.Features.Bits+1) {
			return bad("vocabulary key out of range")
		}
		voc.keys[c] = uint32(prev)
	}
	if len(p) < 4*d+(4+k)*d+4*k {
		return bad("truncated weights")
	}
	for c := range d {
		voc.idf[c] = math.Float32frombits(binary.LittleEndian.Uint32(p))
		p = p[4:]
	}
	w := weights{q: make([]int8, d*k), scale: make([]float32, d)}
	for c := range d {
		s := math.Float32frombits(binary.LittleEndian.Uint32(p))
		if !(s >= 0) || math.IsInf(float64(s), 0) {
			return bad("weight scale not finite and non-negative")
		}
		w.scale[c] = s
		for j := range k {
			w.q[c*k+j] = int8(p[4+j])
		}
		p = p[4+k:]
	}
	bias := make([]float32, k)
	for j := range k {
		bias[j] = math.Float32frombits(binary.LittleEndian.Uint32(p))
		p = p[4:]
	}
	if len(p) != 0 {
		return bad("trailing bytes")
	}
	voc.build()
	// Keys with both blocks in one bucket are not produced by Train.
	for c := 1; c < d; c++ {
		if voc.keys[c]>>1 == voc.keys[c-1]>>1 {
			return bad("duplicate bucket")
		}
	}
	nm := &Model{
		kind: h.Kind, labels: h.Labels, fo: h.Features, voc: voc, w: w, bias: bias,
		temp: h.Temperature, cal: cal, meta: h.Meta,
	}
	nm2, err := nm.WithThresholds(h.Threshold, h.LabelThresholds)
	if err != nil {
		return bad(err.Error())
	}
	*m = Model{
		kind: nm2.kind, labels: nm2.labels, fo: nm2.fo, voc: nm2.voc, w: nm2.w, bias: nm2.bias,
		temp: nm2.temp, cal: nm2.cal, threshold: nm2.threshold, labelThreshold: nm2.labelThreshold, meta: nm2.meta,
	}
	m.prepare()
	return nil
}
