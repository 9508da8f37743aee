package kb

import (
	"context"
	"testing"
)

func BenchmarkBitextQuery(b *testing.B) {
	k, test := openBitext(b)
	i := 0
	for b.Loop() {
		_, err := k.Search(context.Background(), Query{Text: test[i%len(test)].Text, Lang: English})
		if err != nil {
			b.Fatal(err)
		}
		i++
	}
}
