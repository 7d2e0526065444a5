package wire

import (
	"sync/atomic"
	"time"
)

// TimestampLayout is the layout of the timestamps this module writes:
// RFC 3339 in UTC with microseconds, fixed width, and precise enough to
// keep the order of events made in one tight loop.
const TimestampLayout = "2006-01-02T15:04:05.000000Z"

// FormatTimestamp formats t as the service expects it: RFC 3339, UTC.
func FormatTimestamp(t time.Time) string {
	var d [len(TimestampLayout)]byte
	if !putTimestamp(&d, t) {
		return t.UTC().Format(TimestampLayout)
	}
	return string(d[:])
}

// Stamp is a timestamp written in TimestampLayout, held by value: an
// event that keeps one needs no string of its own for it.
type Stamp [len(TimestampLayout)]byte

// PutStamp writes t to d in TimestampLayout, and says false (d unwritten)
// when FormatTimestamp would not write it in that layout (a year the
// layout cannot hold).
func PutStamp(d *Stamp, t time.Time) bool {
	return putTimestamp((*[len(TimestampLayout)]byte)(d), t)
}

// AppendTimestamp appends t in TimestampLayout.
func AppendTimestamp(b []byte, t time.Time) []byte {
	var d [len(TimestampLayout)]byte
	if !putTimestamp(&d, t) {
		return t.UTC().AppendFormat(b, TimestampLayout)
	}
	return append(b, d[:]...)
}

// putTimestamp writes t in TimestampLayout to d, and says false (d
// unwritten) for a year the layout cannot hold. It writes the digits
// itself, from t's Unix seconds, where time.Format parses its layout and
// time.Date and Clock each redo the calendar: a tenth of the cost. Into a
// fixed array, every index is a constant and needs no bounds check.
func putTimestamp(d *[len(TimestampLayout)]byte, t time.Time) bool {
	secs := t.Unix()
	days := secs / secondsPerDay
	if secs%secondsPerDay < 0 {
		days-- // the day starts before the epoch: round down
	}
	year, month, day := sameDayDate(days)
	if year < 0 || year > 9999 {
		return false
	}
	clock := uint(secs - days*secondsPerDay)
	// Two digits a step, from a table: no division by ten per digit.
	put2 := func(at int, v uint) { d[at], d[at+1] = twoDigits[2*v], twoDigits[2*v+1] }
	put2(0, uint(year)/100)
	put2(2, uint(year)%100)
	d[4] = '-'
	put2(5, uint(month))
	d[7] = '-'
	put2(8, uint(day))
	d[10] = 'T'
	put2(11, clock/3600)
	d[13] = ':'
	put2(14, clock/60%60)
	d[16] = ':'
	put2(17, clock%60)
	d[19] = '.'
	micro := uint(t.Nanosecond()) / 1000
	put2(20, micro/10000)
	put2(22, micro/100%100)
	put2(24, micro%100)
	d[26] = 'Z'
	return true
}

// twoDigits holds 00 to 99.
const twoDigits = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

const secondsPerDay = 24 * 60 * 60

// lastDay holds civilDate's answer for the day of the last timestamp
// written (days since the epoch in the high 32 bits, then the year, month
// and day in 16, 8 and 8), 0 for none: timestamps come by the thousand
// from one day, and the calendar is a third of the cost of one.
var lastDay atomic.Uint64

// sameDayDate is civilDate, from lastDay when days is its day.
func sameDayDate(days int64) (year, month, day int) {
	if c := lastDay.Load(); c != 0 && int64(c>>32) == days {
		return int(c >> 16 & 0xffff), int(c >> 8 & 0xff), int(c & 0xff)
	}
	year, month, day = civilDate(days)
	if days >= 0 && days < 1<<32 && year <= 9999 { // 1970-01-01 on: never 0
		lastDay.Store(uint64(days)<<32 | uint64(year)<<16 | uint64(month)<<8 | uint64(day))
	}
	return year, month, day
}

// civilDate is the proleptic Gregorian date of the day days after
// 1970-01-01 (Howard Hinnant's days_from_civil inverted: eras of 400
// years, years from March, so that a leap day ends its year).
func civilDate(days int64) (year, month, day int) {
	z := days + 719_468 // from 0000-03-01
	era := z / 146_097
	if z < 0 && z%146_097 != 0 {
		era--
	}
	doe := z - era*146_097                                    // day of era, [0, 146096]
	yoe := (doe - doe/1_460 + doe/36_524 - doe/146_096) / 365 // year of era, [0, 399]
	doy := doe - (365*yoe + yoe/4 - yoe/100)                  // day of year from March 1, [0, 365]
	mp := (5*doy + 2) / 153                                   // month from March, [0, 11]
	day = int(doy - (153*mp+2)/5 + 1)
	month = int(mp + 3)
	if month > 12 {
		month -= 12
	}
	year = int(yoe + era*400)
	if month <= 2 {
		year++
	}
	return year, month, day
}
