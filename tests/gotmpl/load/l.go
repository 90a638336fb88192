package load

import "gotmplcheck/modinfo"

type PackagePublic struct {
	ImportPath string
	Imports    []string
	ImportMap  map[string]string
	Module     *modinfo.ModulePublic
	Error      *PackageError
	Standard   bool
	Count      int
}

type PackageError struct {
	ImportStack []string
	Pos         string
	Err         error
}

func (p *PackageError) Error() string { return p.Err.Error() }
