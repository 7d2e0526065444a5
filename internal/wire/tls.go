package wire

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
)

// IsCertificateError reports a TLS certificate the client does not accept:
// untrusted, expired, for another host. Retrying cannot fix it.
func IsCertificateError(err error) bool {
	var (
		verifyErr   *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostErr) || errors.As(err, &invalidErr)
}
