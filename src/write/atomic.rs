//! Atomic file writes: a temporary file in the target folder, then a rename.
//!
//! A failed or interrupted write never leaves a half-written file where the
//! last good one stood.

use crate::error::{Error, Result};
use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically, creating the parent folder if needed.
///
/// # Errors
///
/// An I/O error naming `path`.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".frontline-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Write several files, each atomically, only after all of them were
/// rendered: the caller renders into memory first, so a failure while
/// rendering touches nothing.
///
/// # Errors
///
/// The first I/O error.
pub fn write_all(files: &[(std::path::PathBuf, Vec<u8>)]) -> Result<()> {
    for (path, bytes) in files {
        write(path, bytes)?;
    }
    Ok(())
}

/// A file being written: a temporary file beside `path` that replaces it
/// only on [`AtomicFile::commit`]; dropped without commit, it disappears.
#[derive(Debug)]
pub struct AtomicFile {
    path: std::path::PathBuf,
    tmp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// Start writing `path` (its folder is created if needed).
    ///
    /// # Errors
    ///
    /// An I/O error naming the folder.
    pub fn create(path: &Path) -> Result<Self> {
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".frontline-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile { path: path.to_path_buf(), tmp })
    }

    /// Flush, sync and move the file into place.
    ///
    /// # Errors
    ///
    /// An I/O error naming the file.
    pub fn commit(mut self) -> Result<()> {
        self.tmp.flush().map_err(|e| Error::io(&self.path, e))?;
        self.tmp.as_file().sync_all().map_err(|e| Error::io(&self.path, e))?;
        self.tmp.persist(&self.path).map_err(|e| Error::io(&self.path, e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.tmp.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.tmp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.geojson");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(p.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.geojson")]);
    }
}
