package modinfo

type ModulePublic struct {
	Path    string
	Version string
}

func (m *ModulePublic) String() string { return m.Path + " " + m.Version }
