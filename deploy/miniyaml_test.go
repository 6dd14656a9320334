package deploy_test

// A deliberately small YAML reader for the deployment files in this folder.
//
// The module has no YAML library among its direct requirements, so these tests
// read the subset of YAML that docker-compose.yml and the Prometheus,
// Alertmanager and Grafana files use: block mappings, block sequences
// (including "- key: value" items), plain and quoted scalars, flow sequences
// of scalars ("[a, b]"), empty values and comments. Anything else (anchors,
// aliases, tags, block scalars, flow mappings, several documents, tabs in
// indentation) is reported as an error rather than misread, so a file that
// grows past this subset makes the tests fail loudly instead of passing on a
// wrong parse. Every scalar is returned as a string; an empty value is nil.

import (
	"fmt"
	"strconv"
	"strings"
)

type yamlLine struct {
	num    int // 1-based line number in the source
	indent int
	text   string // without indentation and trailing comment
}

type yamlParser struct {
	lines []yamlLine
	pos   int
}

// parseYAML parses src into map[string]any, []any, string or nil values.
func parseYAML(src string) (any, error) {
	var lines []yamlLine
	for i, raw := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		num := i + 1
		body := strings.TrimLeft(raw, " ")
		if strings.HasPrefix(body, "\t") {
			return nil, fmt.Errorf("line %d: tab in indentation", num)
		}
		text := strings.TrimRight(stripComment(body), " \t")
		if text == "" {
			continue
		}
		if text == "---" || text == "..." || strings.HasPrefix(text, "%") {
			return nil, fmt.Errorf("line %d: document markers and directives are not supported", num)
		}
		lines = append(lines, yamlLine{num: num, indent: len(raw) - len(body), text: text})
	}
	if len(lines) == 0 {
		return nil, nil
	}
	p := &yamlParser{lines: lines}
	v, err := p.block(lines[0].indent)
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.lines) {
		l := p.lines[p.pos]
		return nil, fmt.Errorf("line %d: unexpected indentation", l.num)
	}
	return v, nil
}

// stripComment removes a trailing "# ..." that is outside quotes and either
// starts the line or follows whitespace.
func stripComment(s string) string {
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				if quote == '\'' && i+1 < len(s) && s[i+1] == '\'' {
					i++ // '' is an escaped quote
					continue
				}
				quote = 0
			} else if c == '\\' && quote == '"' {
				i++
			}
		case c == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t'):
			return s[:i]
		case (c == '"' || c == '\'') && (i == 0 || strings.ContainsRune(" [,:-", rune(s[i-1]))):
			quote = c
		}
	}
	return s
}

func isSeqItem(text string) bool { return text == "-" || strings.HasPrefix(text, "- ") }

func (p *yamlParser) block(indent int) (any, error) {
	if isSeqItem(p.lines[p.pos].text) {
		return p.sequence(indent)
	}
	return p.mapping(indent)
}

func (p *yamlParser) sequence(indent int) ([]any, error) {
	out := []any{}
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("line %d: unexpected indentation in sequence", l.num)
		}
		if !isSeqItem(l.text) {
			break
		}
		rest := strings.TrimLeft(strings.TrimPrefix(l.text, "-"), " ")
		if rest == "" {
			p.pos++
			if p.pos < len(p.lines) && p.lines[p.pos].indent > indent {
				v, err := p.block(p.lines[p.pos].indent)
				if err != nil {
					return nil, err
				}
				out = append(out, v)
			} else {
				out = append(out, nil)
			}
			continue
		}
		if _, _, ok, err := splitKey(rest, l.num); err != nil {
			return nil, err
		} else if ok || isSeqItem(rest) {
			// "- key: value" (or "- - x"): the item is a block that starts on
			// this line, at the column of rest.
			col := l.indent + len(l.text) - len(rest)
			p.lines[p.pos] = yamlLine{num: l.num, indent: col, text: rest}
			v, err := p.block(col)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
			continue
		}
		v, err := scalar(rest, l.num)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		p.pos++
	}
	return out, nil
}

func (p *yamlParser) mapping(indent int) (map[string]any, error) {
	out := map[string]any{}
	for p.pos < len(p.lines) {
		l := p.lines[p.pos]
		if l.indent < indent {
			break
		}
		if l.indent > indent {
			return nil, fmt.Errorf("line %d: unexpected indentation in mapping", l.num)
		}
		key, rest, ok, err := splitKey(l.text, l.num)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("line %d: expected \"key: value\", got %q", l.num, l.text)
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("line %d: duplicate key %q", l.num, key)
		}
		p.pos++
		if rest != "" {
			v, err := scalar(rest, l.num)
			if err != nil {
				return nil, err
			}
			out[key] = v
			continue
		}
		// Empty value: a nested block (more indented, or a sequence at the
		// same indentation as the key), or null.
		if p.pos < len(p.lines) {
			next := p.lines[p.pos]
			if next.indent > indent || (next.indent == indent && isSeqItem(next.text)) {
				v, err := p.block(next.indent)
				if err != nil {
					return nil, err
				}
				out[key] = v
				continue
			}
		}
		out[key] = nil
	}
	return out, nil
}

// splitKey splits "key: value" / "key:" into key and value. ok is false when
// text is not a mapping entry (a colon must be followed by a space or end the
// text, as in YAML, so "a:b" and "http://x" are scalars).
func splitKey(text string, num int) (key, rest string, ok bool, err error) {
	if text[0] == '"' || text[0] == '\'' {
		end := closingQuote(text)
		if end < 0 {
			return "", "", false, fmt.Errorf("line %d: unterminated quote", num)
		}
		after := text[end+1:]
		if after != ":" && !strings.HasPrefix(after, ": ") {
			return "", "", false, nil
		}
		k, err := scalar(text[:end+1], num)
		if err != nil {
			return "", "", false, err
		}
		return k.(string), strings.TrimSpace(after[1:]), true, nil
	}
	if text[0] == '[' || text[0] == '{' {
		return "", "", false, nil
	}
	for i := 0; i < len(text); i++ {
		if text[i] == ':' && (i+1 == len(text) || text[i+1] == ' ') {
			if i == 0 {
				return "", "", false, fmt.Errorf("line %d: empty key", num)
			}
			return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:]), true, nil
		}
	}
	return "", "", false, nil
}

// closingQuote returns the index of the quote that closes s[0], or -1.
func closingQuote(s string) int {
	q := s[0]
	for i := 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q && q == '\'' && i+1 < len(s) && s[i+1] == '\'':
			i++
		case s[i] == q:
			return i
		}
	}
	return -1
}

func scalar(s string, num int) (any, error) {
	switch s[0] {
	case '&', '*', '!':
		return nil, fmt.Errorf("line %d: anchors, aliases and tags are not supported: %q", num, s)
	case '|', '>':
		return nil, fmt.Errorf("line %d: block scalars are not supported: %q", num, s)
	case '{':
		return nil, fmt.Errorf("line %d: flow mappings are not supported: %q", num, s)
	case '[':
		return flowSequence(s, num)
	case '"', '\'':
		end := closingQuote(s)
		if end != len(s)-1 {
			return nil, fmt.Errorf("line %d: bad quoted scalar %q", num, s)
		}
		if s[0] == '\'' {
			return strings.ReplaceAll(s[1:end], "''", "'"), nil
		}
		v, err := strconv.Unquote(s)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad double-quoted scalar %q: %v", num, s, err)
		}
		return v, nil
	}
	return s, nil
}

// flowSequence parses "[a, 'b', "c"]" holding scalars only.
func flowSequence(s string, num int) ([]any, error) {
	if !strings.HasSuffix(s, "]") {
		return nil, fmt.Errorf("line %d: flow sequences must be on one line: %q", num, s)
	}
	inner := strings.TrimSpace(s[1 : len(s)-1])
	out := []any{}
	for inner != "" {
		var item string
		if inner[0] == '"' || inner[0] == '\'' {
			end := closingQuote(inner)
			if end < 0 {
				return nil, fmt.Errorf("line %d: unterminated quote in %q", num, s)
			}
			item, inner = inner[:end+1], strings.TrimSpace(inner[end+1:])
		} else {
			i := strings.IndexByte(inner, ',')
			if i < 0 {
				i = len(inner)
			}
			item, inner = strings.TrimSpace(inner[:i]), inner[i:]
		}
		if item == "" {
			return nil, fmt.Errorf("line %d: empty item in %q", num, s)
		}
		if strings.ContainsAny(item[:1], "[{") {
			return nil, fmt.Errorf("line %d: nested flow collections are not supported: %q", num, s)
		}
		v, err := scalar(item, num)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if inner != "" {
			if inner[0] != ',' {
				return nil, fmt.Errorf("line %d: expected ',' in %q", num, s)
			}
			inner = strings.TrimSpace(inner[1:])
		}
	}
	return out, nil
}
