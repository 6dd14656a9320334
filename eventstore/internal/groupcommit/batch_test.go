package groupcommit

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A refused append blocks the later appends of its batch to the same
// stream and those that depend on it, and nothing else; a lone Append's
// zero Member is never blocked.
func TestMemberBlocksWhatARefusalConcerns(t *testing.T) {
	b := &batch{failed: map[string]bool{}, rejected: map[int]bool{}}
	first := Member{b: b, index: 0}
	sameStream := Member{b: b, index: 1}
	dependent := Member{b: b, index: 2, after: []int{0}}
	other := Member{b: b, index: 3, after: []int{1}}

	assert.False(t, sameStream.Blocked("a"), "before any refusal")
	first.Reject("a")
	assert.True(t, sameStream.Blocked("a"), "an earlier append to the stream was refused")
	assert.True(t, dependent.Blocked("b"), "the append it depends on was refused")
	assert.False(t, other.Blocked("c"), "neither its stream nor what it depends on was refused")

	var lone Member
	lone.Reject("a")
	assert.False(t, lone.Blocked("a"))
}
