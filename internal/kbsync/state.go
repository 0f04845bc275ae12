package kbsync

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// StateFile is the name of the state file inside the mirror directory.
const StateFile = "sync-state.json"

// stateVersion is the format of sync-state.json.
//
// Changelog: 1 — validators per URL, NVD and CSAF cursors.
const stateVersion = 1

// Validators are what a server sent to make the next request conditional.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
	// File is the mirror file (relative to the mirror directory) holding
	// the body; a conditional request is sent only while it exists.
	File string `json:"file"`
}

// NVDCursor records how far the NVD sync got.
type NVDCursor struct {
	// LastModEnd is the end of the last completed pass (full or
	// incremental); zero until the first full pass completes.
	LastModEnd time.Time `json:"last_mod_end,omitzero"`
	// Pass is the pass in progress, if a run stopped inside one.
	Pass *NVDPass `json:"pass,omitempty"`
}

// NVDPass is an unfinished NVD pass: a full pass (Full) from StartIndex,
// or incremental windows from WindowStart up to End.
type NVDPass struct {
	Full        bool      `json:"full,omitempty"`
	Started     time.Time `json:"started"`
	End         time.Time `json:"end,omitzero"`
	WindowStart time.Time `json:"window_start,omitzero"`
	StartIndex  int       `json:"start_index"`
}

// CSAFCursor records what was stored from one provider.
type CSAFCursor struct {
	// LastChange is the newest changes.csv or ROLIE updated time of a
	// completed sync.
	LastChange time.Time `json:"last_change,omitzero"`
	// Docs maps a stored document (path relative to the mirror directory)
	// to the change time it was stored for, so a resumed run skips it.
	Docs map[string]time.Time `json:"docs,omitempty"`
}

// state is the persistent sync state; its methods are safe for concurrent use.
type state struct {
	mu   sync.Mutex
	path string

	Version int                    `json:"version"`
	URLs    map[string]Validators  `json:"urls"`
	NVD     NVDCursor              `json:"nvd"`
	CSAF    map[string]*CSAFCursor `json:"csaf,omitempty"`
}

func loadState(dir string) (*state, error) {
	st := &state{path: filepath.Join(dir, StateFile), Version: stateVersion}
	data, err := os.ReadFile(st.path)
	if errors.Is(err, fs.ErrNotExist) {
		st.init()
		return st, nil
	}
	if err != nil {
		return nil, fmt.Errorf("kbsync: read state: %w", err)
	}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("kbsync: read state %s: %w", st.path, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("kbsync: state %s has version %d, want %d", st.path, st.Version, stateVersion)
	}
	st.init()
	return st, nil
}

func (s *state) init() {
	if s.URLs == nil {
		s.URLs = map[string]Validators{}
	}
	if s.CSAF == nil {
		s.CSAF = map[string]*CSAFCursor{}
	}
}

// update changes the state under its lock and saves it atomically.
func (s *state) update(f func(*state)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("kbsync: encode state: %w", err)
	}
	return writeAtomic(s.path, filepath.Join(filepath.Dir(s.path), tmpDir), data)
}

// view reads the state under its lock.
func (s *state) view(f func(*state)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

// tmpDir is the folder under the mirror directory that holds downloads in
// progress; feeds.Load skips folders whose names start with a dot.
const tmpDir = ".tmp"

// writeAtomic writes data to a temp file in tmp (on the same file system),
// syncs it and renames it over path.
func writeAtomic(path, tmp string, data []byte) error {
	for _, d := range []string{filepath.Dir(path), tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("kbsync: %w", err)
		}
	}
	f, err := os.CreateTemp(tmp, filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("kbsync: %w", err)
	}
	name := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("kbsync: write %s: %w", path, err)
	}
	return nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
