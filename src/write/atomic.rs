//! Atomic file writes: a temporary file in the target folder, then a rename.
//!
//! A failed or interrupted write never leaves a half-written file where the
//! last good one stood.
//!
//! A file that replaces an existing one is also synced to disk before the
//! rename, so that the last good version survives a power cut too (not
//! only a failed run). A new file is not synced, as no other tool here
//! syncs what it writes: there is no earlier version to keep, and waiting
//! for the disk would be most of the time of a large stream.

use crate::error::{Error, Result};
use rayon::prelude::*;
use std::io::Write;
use std::path::Path;

/// Write `bytes` to `path` atomically, creating the parent folder if needed.
///
/// # Errors
///
/// An I/O error naming `path`.
#[cfg(test)]
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    file.commit()
}

/// Write several files, each atomically, only after all of them were
/// rendered: the caller renders into memory first, so a failure while
/// rendering touches nothing.
///
/// # Errors
///
/// The first I/O error.
#[cfg(test)]
pub fn write_all(files: &[(std::path::PathBuf, Vec<u8>)]) -> Result<()> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        let mut file = AtomicFile::create(path)?;
        file.write_all(bytes).map_err(|e| Error::io(path, e))?;
        staged.push(file);
    }
    commit_all(staged)
}

/// Move files written in full into place: all are synced first (in
/// parallel), then each replaces its target, so a file that fails to sync
/// leaves every target untouched.
///
/// # Errors
///
/// The first I/O error.
pub fn commit_all(mut files: Vec<AtomicFile>) -> Result<()> {
    files.par_iter_mut().map(AtomicFile::sync).collect::<Result<Vec<()>>>()?;
    for file in files {
        file.publish()?;
    }
    Ok(())
}

/// A file being written: a temporary file beside `path` that replaces it
/// only on [`AtomicFile::commit`]; dropped without commit, it disappears.
/// A path that exists and is not a regular file (`/dev/null`, a FIFO,
/// `/dev/stdout`) is written directly: renaming over it would replace the
/// device itself.
#[derive(Debug)]
pub struct AtomicFile {
    path: std::path::PathBuf,
    target: Target,
    /// Whether the file replaces one, and so is synced to disk before the
    /// rename (see the module documentation).
    durable: bool,
    /// A sync started by [`AtomicFile::start_sync`], or a writeback of what
    /// was written so far, still running.
    syncing: Option<Syncing>,
    /// Bytes written since the last writeback started.
    unsynced: u64,
}

/// A sync running on a thread of its own: `done` when it makes the whole
/// file durable ([`AtomicFile::start_sync`]), not when it only writes back
/// what was written so far.
#[derive(Debug)]
struct Syncing {
    thread: std::thread::JoinHandle<std::io::Result<()>>,
    done: bool,
}

impl Syncing {
    fn wait(self) -> std::io::Result<()> {
        self.thread.join().unwrap_or_else(|_| Err(std::io::Error::other("the sync thread failed")))
    }
}

/// Bytes written between two writebacks of a large file that will be
/// synced. The kernel keeps written data in memory until it is told to
/// write it (or gigabytes are waiting), so without this a final sync of
/// hundreds of megabytes would wait for all of them at once; with it, the
/// disk works while the stream renders.
const WRITEBACK_BYTES: u64 = 32 << 20;

#[derive(Debug)]
enum Target {
    Temp(tempfile::NamedTempFile),
    Direct(std::fs::File),
}

impl AtomicFile {
    /// Start writing `path` (its folder is created if needed).
    ///
    /// # Errors
    ///
    /// An I/O error naming the folder.
    pub fn create(path: &Path) -> Result<Self> {
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(path, e))?;
            return Ok(AtomicFile {
                path: path.to_path_buf(),
                target: Target::Direct(file),
                durable: false,
                syncing: None,
                unsynced: 0,
            });
        }
        let durable = std::fs::metadata(path).is_ok_and(|m| m.is_file());
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(".frontline-")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(|e| Error::io(dir, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            target: Target::Temp(tmp),
            durable,
            syncing: None,
            unsynced: 0,
        })
    }

    /// Flush the file and, when it replaces one, sync it to disk, without
    /// moving it into place.
    ///
    /// # Errors
    ///
    /// An I/O error naming the file.
    pub fn sync(&mut self) -> Result<()> {
        let path = &self.path;
        if let Some(started) = self.syncing.take() {
            let done = started.done;
            started.wait().map_err(|e| Error::io(path, e))?;
            if done {
                return Ok(());
            }
        }
        match &mut self.target {
            Target::Direct(f) => f.flush().map_err(|e| Error::io(path, e)),
            Target::Temp(tmp) => {
                tmp.flush().map_err(|e| Error::io(path, e))?;
                if !self.durable {
                    return Ok(());
                }
                tmp.as_file().sync_all().map_err(|e| Error::io(path, e))
            }
        }
    }

    /// Start syncing a file written in full to disk (when it replaces one)
    /// on a thread of its own, so that the wait for the disk overlaps whatever comes next
    /// (the other files of a build); [`AtomicFile::sync`] and
    /// [`commit_all`] wait for it. Nothing may be written after this.
    ///
    /// # Errors
    ///
    /// An I/O error naming the file.
    pub fn start_sync(&mut self) -> Result<()> {
        let Target::Temp(tmp) = &mut self.target else { return Ok(()) };
        let path = &self.path;
        tmp.flush().map_err(|e| Error::io(path, e))?;
        if !self.durable {
            return Ok(());
        }
        let file = tmp.as_file().try_clone().map_err(|e| Error::io(path, e))?;
        let before = self.syncing.take();
        let thread = std::thread::spawn(move || {
            before.map_or(Ok(()), Syncing::wait)?;
            file.sync_all()
        });
        self.syncing = Some(Syncing { thread, done: true });
        Ok(())
    }

    /// After `n` more bytes written: once enough wait in memory and no
    /// writeback is running, start one on a thread of its own (see
    /// [`WRITEBACK_BYTES`]). Its error, if any, is reported by the sync.
    fn written(&mut self, n: usize) -> std::io::Result<()> {
        self.unsynced += n as u64;
        let Target::Temp(tmp) = &self.target else { return Ok(()) };
        if !self.durable
            || self.unsynced < WRITEBACK_BYTES
            || self.syncing.as_ref().is_some_and(|s| s.done || !s.thread.is_finished())
        {
            return Ok(());
        }
        if let Some(finished) = self.syncing.take() {
            finished.wait()?;
        }
        let file = tmp.as_file().try_clone()?;
        self.syncing =
            Some(Syncing { thread: std::thread::spawn(move || file.sync_data()), done: false });
        self.unsynced = 0;
        Ok(())
    }

    /// Flush, sync and move the file into place.
    ///
    /// # Errors
    ///
    /// An I/O error naming the file.
    pub fn commit(mut self) -> Result<()> {
        self.sync()?;
        self.publish()
    }

    /// Move a synced file into place.
    fn publish(self) -> Result<()> {
        let path = self.path;
        match self.target {
            Target::Direct(_) => Ok(()),
            Target::Temp(tmp) => {
                // a temporary file is private (0600); a published file must be
                // readable like any file the user writes: keep the old file's
                // mode, else rw-r--r--
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt as _;
                    let mode =
                        std::fs::metadata(&path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
                    tmp.as_file()
                        .set_permissions(std::fs::Permissions::from_mode(mode))
                        .map_err(|e| Error::io(&path, e))?;
                }
                tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
                Ok(())
            }
        }
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = match &mut self.target {
            Target::Temp(t) => t.write(buf)?,
            Target::Direct(f) => f.write(buf)?,
        };
        self.written(n)?;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.target {
            Target::Temp(t) => t.flush(),
            Target::Direct(f) => f.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn special_files_are_written_not_replaced() {
        // a FIFO stands in for /dev/null: renaming over it would replace it
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let mut f = AtomicFile::create(&fifo).unwrap();
        f.write_all(b"through").unwrap();
        f.commit().unwrap();
        assert_eq!(reader.join().unwrap(), b"through");
        assert!(!std::fs::metadata(&fifo).unwrap().is_file(), "the FIFO must stay a FIFO");
    }

    #[test]
    fn staged_files_replace_their_targets_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.geojson"), dir.path().join("b.geojson"));
        write_all(&[(a.clone(), b"a1".to_vec()), (b.clone(), b"b1".to_vec())]).unwrap();
        // files staged but dropped before the commit (a failed build) change nothing
        // (one still syncing in the background)
        let mut staged = AtomicFile::create(&a).unwrap();
        staged.write_all(b"a2").unwrap();
        staged.start_sync().unwrap();
        drop(staged);
        let mut files = Vec::new();
        for (path, text, early) in [(&a, b"a3", true), (&b, b"b3", false)] {
            let mut f = AtomicFile::create(path).unwrap();
            f.write_all(text).unwrap();
            if early {
                f.start_sync().unwrap();
            }
            files.push(f);
        }
        assert_eq!(
            (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()),
            (b"a1".to_vec(), b"b1".to_vec())
        );
        commit_all(files).unwrap();
        assert_eq!(
            (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap()),
            (b"a3".to_vec(), b"b3".to_vec())
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary files left");
    }

    #[test]
    fn large_files_that_replace_one_are_written_back_while_they_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.geojson");
        std::fs::write(&p, b"the last good one").unwrap();
        let mut f = AtomicFile::create(&p).unwrap();
        assert!(f.durable, "a file that replaces one is synced");
        let block = vec![b'x'; 1 << 20];
        for _ in 0..(WRITEBACK_BYTES >> 20) {
            assert!(f.syncing.is_none(), "no writeback before {WRITEBACK_BYTES} bytes");
            f.write_all(&block).unwrap();
        }
        assert!(f.syncing.as_ref().is_some_and(|s| !s.done), "a writeback started");
        f.write_all(b"end").unwrap();
        f.commit().unwrap();
        let written = std::fs::read(&p).unwrap();
        assert_eq!(written.len() as u64, WRITEBACK_BYTES + 3);
        assert!(written.ends_with(b"xend"));
    }

    #[test]
    fn new_files_are_not_synced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.geojson");
        let mut f = AtomicFile::create(&p).unwrap();
        assert!(!f.durable, "nothing to keep: no sync");
        let block = vec![b'x'; 1 << 20];
        for _ in 0..=(WRITEBACK_BYTES >> 20) {
            f.write_all(&block).unwrap();
        }
        assert!(f.syncing.is_none(), "no writeback of a new file");
        f.start_sync().unwrap();
        assert!(f.syncing.is_none(), "no sync of a new file");
        f.commit().unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().len(), WRITEBACK_BYTES + (1 << 20));
    }

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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o644, "published files are world-readable, not 0600");
        }
    }
}
