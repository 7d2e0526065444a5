package redact

import "net/netip"

func isDigit(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

// digits says whether s[i:i+n] are n digits.
func digits(s string, i, n int) bool {
	if i+n > len(s) {
		return false
	}
	for k := i; k < i+n; k++ {
		if s[k] < '0' || s[k] > '9' {
			return false
		}
	}
	return true
}

// endsNumber says whether a number may end at e: no letter or digit
// follows, nor a decimal point and a digit.
func endsNumber(s string, e int) bool {
	if e >= len(s) {
		return true
	}
	return class[s[e]]&alnum == 0 && !((s[e] == '.' || s[e] == ',') && isDigit(s, e+1))
}

// afterNumber says whether s[i] continues a number before it (a decimal
// part, the next part of a dotted or dashed number).
func afterNumber(s string, i int) bool {
	if i == 0 {
		return false
	}
	switch s[i-1] {
	case '.', ',', '-', '/':
		return isDigit(s, i-2)
	}
	return false
}

// ssnAt matches 123-45-6789 at i, in the ranges the SSA assigns.
func ssnAt(s string, i int) int {
	e := i + 11
	if e > len(s) || s[i+3] != '-' || s[i+6] != '-' || !digits(s, i+4, 2) || !digits(s, i+7, 4) ||
		!endsNumber(s, e) || (e < len(s) && s[e] == '-' && isDigit(s, e+1)) || afterNumber(s, i) {
		return 0
	}
	area, group, serial := s[i:i+3], s[i+4:i+6], s[i+7:e]
	if area == "000" || area == "666" || area[0] == '9' || group == "00" || serial == "0000" {
		return 0
	}
	return e
}

// cardAt matches a card number (cardNumber) at i, its digits together or
// in groups split by single spaces or dashes: the longest such run of
// whole groups.
func cardAt(s string, i int) int {
	if afterNumber(s, i) {
		return 0
	}
	var buf [19]byte
	var ends, counts [19]int
	nd, ng, j := 0, 0, i
	for {
		g := j
		j = run(s, j, cDigit)
		if nd+(j-g) > 19 {
			break
		}
		nd += copy(buf[nd:], s[g:j])
		ends[ng], counts[ng] = j, nd
		ng++
		if j+1 < len(s) && (s[j] == ' ' || s[j] == '-') && isDigit(s, j+1) {
			j++
			continue
		}
		break
	}
	for k := ng - 1; k >= 0 && counts[k] >= 13; k-- {
		if endsNumber(s, ends[k]) && cardNumber(buf[:counts[k]]) {
			return ends[k]
		}
	}
	return 0
}

// cardNumber says whether the digits d are a payment card number: 13 to 19
// of them, the first 2 to 6 (the networks' ranges: Mastercard, Amex,
// Diners, JCB, Visa, Maestro, Discover, UnionPay; a timestamp in
// milliseconds or nanoseconds starts with 1), passing the Luhn check.
func cardNumber(d []byte) bool {
	return len(d) >= 13 && len(d) <= 19 && d[0] >= '2' && d[0] <= '6' && luhn(d)
}

func luhn(d []byte) bool {
	sum, double := 0, false
	for k := len(d) - 1; k >= 0; k-- {
		v := int(d[k] - '0')
		if double {
			if v *= 2; v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// phoneAt matches a phone number at i, which is '+', '(' or a digit.
func phoneAt(s string, i int) int {
	if afterNumber(s, i) || (i >= 2 && s[i-1] == ' ' && isDigit(s, i-2)) {
		return 0 // a group of a longer number
	}
	if s[i] == '+' {
		return internationalAt(s, i)
	}
	if s[i] == '1' && i+2 < len(s) && phoneSep(s[i+1]) {
		if e := northAmericanAt(s, i+2); e > 0 {
			return e
		}
	}
	if e := northAmericanAt(s, i); e > 0 {
		return e
	}
	if s[i] == '0' {
		return nationalAt(s, i)
	}
	return 0
}

func phoneSep(c byte) bool { return c == ' ' || c == '-' || c == '.' }

// northAmericanAt matches (415) 555-0132, 415-555-0132, 415.555.0132 and
// 415 555 0132: area code and exchange start with 2 to 9.
func northAmericanAt(s string, j int) int {
	if j < len(s) && s[j] == '(' {
		if !digits(s, j+1, 3) || j+4 >= len(s) || s[j+4] != ')' {
			return 0
		}
		j++
	} else if !digits(s, j, 3) || j+3 >= len(s) || !phoneSep(s[j+3]) {
		return 0
	}
	if s[j] < '2' {
		return 0
	}
	j += 4 // the area code and its separator or ')'
	if s[j-1] == ')' && j < len(s) && s[j] == ' ' {
		j++
	}
	if !digits(s, j, 3) || s[j] < '2' || j+3 >= len(s) || !phoneSep(s[j+3]) || !digits(s, j+4, 4) {
		return 0
	}
	if e := j + 8; endsNumber(s, e) {
		return e
	}
	return 0
}

// internationalAt matches '+' and 8 to 15 digits in groups split by single
// spaces, dashes or dots, or in parentheses: the longest such run.
func internationalAt(s string, i int) int {
	j, nd, best := i+1, 0, 0
	for range 8 {
		paren := j < len(s) && s[j] == '('
		if paren {
			j++
		}
		g := j
		j = run(s, j, cDigit)
		if j == g {
			break
		}
		if paren {
			if j >= len(s) || s[j] != ')' {
				break
			}
			nd += j - g
			j++
		} else {
			nd += j - g
		}
		if nd > 15 {
			break
		}
		if nd >= 8 && endsNumber(s, j) {
			best = j
		}
		switch {
		case j+1 < len(s) && phoneSep(s[j]) && (isDigit(s, j+1) || s[j+1] == '('):
			j++
		case j < len(s) && s[j] == '(':
		default:
			return best
		}
	}
	return best
}

// nationalAt matches a national number that starts with 0: 10 or 11
// digits in two groups or more, split by one kind of separator (020 7946
// 0958, 01 23 45 67 89).
func nationalAt(s string, i int) int {
	j, nd, best := i, 0, 0
	var sep byte
	for ng := 0; ng < 6; ng++ {
		g := j
		j = run(s, j, cDigit)
		if l := j - g; l < 2 || (ng == 0 && l > 5) {
			return best
		}
		if nd += j - g; nd > 11 {
			return best
		}
		if ng >= 1 && nd >= 10 && endsNumber(s, j) {
			best = j
		}
		if j+1 >= len(s) || (s[j] != ' ' && s[j] != '-') || !isDigit(s, j+1) || (sep != 0 && s[j] != sep) {
			return best
		}
		sep = s[j]
		j++
	}
	return best
}

// ipv4At matches four numbers up to 255 joined by dots.
func ipv4At(s string, i int) int {
	if afterNumber(s, i) {
		return 0
	}
	j := i
	for part := range 4 {
		g := j
		j = run(s, j, cDigit)
		if j == g || j-g > 3 {
			return 0
		}
		v := 0
		for k := g; k < j; k++ {
			v = v*10 + int(s[k]-'0')
		}
		if v > 255 {
			return 0
		}
		if part < 3 {
			if j >= len(s) || s[j] != '.' {
				return 0
			}
			j++
		}
	}
	if !endsNumber(s, j) || (j < len(s) && s[j] == '.' && isDigit(s, j+1)) {
		return 0
	}
	return j
}

// ipv6At matches an IPv6 address that starts with a hex group: eight
// groups, or fewer with "::". scanned is the end of the run of hex digits,
// colons and dots it looked at.
func ipv6At(s string, i int) (end, scanned int) {
	j, colons, hex := i, 0, 0
	for limit := min(len(s), i+46); j < limit; j++ {
		c := s[j]
		switch {
		case class[c]&cHex != 0:
			hex++
		case c == ':':
			colons++
		case c == '.' && isDigit(s, j+1): // an IPv4 tail
		default:
			goto done
		}
	}
done:
	scanned = j
	if j < len(s) && class[s[j]]&alnum != 0 {
		return 0, scanned // more of a word, or longer than any address
	}
	if j > i+1 && s[j-1] == ':' && s[j-2] != ':' {
		j--
		colons--
	}
	if colons < 2 || hex < 4 {
		return 0, scanned
	}
	cand := s[i:j]
	if colons != 7 && !containsDoubleColon(cand) {
		return 0, scanned
	}
	if a, err := netip.ParseAddr(cand); err != nil || !a.Is6() {
		return 0, scanned
	}
	return j, scanned
}

func containsDoubleColon(s string) bool {
	for k := 0; k+1 < len(s); k++ {
		if s[k] == ':' && s[k+1] == ':' {
			return true
		}
	}
	return false
}

// ibanAt matches an IBAN at i: country code, check digits and the rest,
// upper case, together or in groups of four split by single spaces, that
// passes the mod-97 check; the longest such run of whole groups.
func ibanAt(s string, i int) int {
	if class[s[i+1]]&cUpper == 0 || !digits(s, i+2, 2) {
		return 0
	}
	var buf [34]byte
	var ends, counts [9]int
	nc, ng, j := 0, 0, i
	for ng < len(ends) {
		g := j
		j = run(s, j, cUpper|cDigit)
		l := j - g
		if l == 0 || nc+l > len(buf) {
			break
		}
		nc += copy(buf[nc:], s[g:j])
		ends[ng], counts[ng] = j, nc
		ng++
		if l == 4 && j+1 < len(s) && s[j] == ' ' && class[s[j+1]]&(cUpper|cDigit) != 0 {
			j++
			continue
		}
		break
	}
	for k := ng - 1; k >= 0 && counts[k] >= 15; k-- {
		if (ends[k] == len(s) || class[s[ends[k]]]&alnum == 0) && mod97(buf[:counts[k]]) {
			return ends[k]
		}
	}
	return 0
}

// mod97 is the IBAN check: the first four characters moved to the end,
// letters as 10 to 35, the number modulo 97 is 1.
func mod97(b []byte) bool {
	r := 0
	for k := range b {
		c := b[(k+4)%len(b)]
		if c <= '9' {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r == 1
}
