//go:build !unix

package main

import "io/fs"

// ownedByMe reports whether the file belongs to the user running vb365;
// where file owners are not Unix ones (Windows), the user's profile
// directory keeps others out.
func ownedByMe(fs.FileInfo) bool { return true }
