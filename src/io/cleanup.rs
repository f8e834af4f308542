//! Temporary files and folders that must not outlive an interrupted run. Every temporary output
//! and sort folder registers here while it exists; SIGINT, SIGTERM and SIGHUP remove them all
//! and end the process (status 128 + signal). SIGXFSZ is caught so that a write past the file
//! size limit fails with an error (and the normal error path cleans up) instead of killing the
//! process. Leftovers of runs killed outright (SIGKILL, power loss) carry their process id in
//! their name and are removed by the next run that writes beside them once that process is gone.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

/// The status a signal is ending the process with (0: none yet).
static STOPPING: AtomicI32 = AtomicI32::new(0);

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};

fn registry() -> &'static Mutex<Vec<PathBuf>> {
    static PATHS: OnceLock<Mutex<Vec<PathBuf>>> = OnceLock::new();
    PATHS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remembers a temporary file or folder until [`forget`].
pub(crate) fn register(path: &Path) {
    if let Ok(mut v) = registry().lock() {
        v.push(path.to_path_buf());
    }
}

/// Stops remembering `path` (committed or already removed).
pub(crate) fn forget(path: &Path) {
    if let Ok(mut v) = registry().lock()
        && let Some(i) = v.iter().rposition(|p| p == path)
    {
        v.swap_remove(i);
    }
}

/// A temporary folder, registered (removed on a signal) while it exists and removed on drop.
pub(crate) struct TempDir(tempfile::TempDir);

impl TempDir {
    /// A new folder in `dir`, its name starting with `prefix`.
    pub(crate) fn new_in(dir: &Path, prefix: &str) -> crate::core::Result<TempDir> {
        let t = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(dir)
            .map_err(|e| crate::core::Error::io(dir, e))?;
        register(t.path());
        Ok(TempDir(t))
    }

    pub(crate) fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        forget(self.0.path());
    }
}

/// Removes every registered temporary file and folder, and any other temporary of this
/// process beside them (one being created while the signal arrived), then ends the process
/// with `status`. The registry stays locked: no new temporary can register meanwhile.
fn remove_all_and_exit(status: i32) -> ! {
    STOPPING.store(status, Ordering::SeqCst);
    let guard = registry().lock();
    let paths: Vec<PathBuf> = match &guard {
        Ok(v) => v.to_vec(),
        Err(poisoned) => poisoned.get_ref().to_vec(),
    };
    let pid = std::process::id();
    let mut dirs: Vec<PathBuf> = Vec::new();
    for p in &paths {
        remove(p);
        if let Some(dir) = p.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if !dirs.iter().any(|d| d == dir) {
                dirs.push(dir.to_path_buf());
            }
        }
    }
    let (tmp, sort) = (format!(".tmp.{pid}"), format!(".zenome-sort.{pid}."));
    for dir in dirs {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(&tmp) || name.starts_with(&sort) {
                remove(&entry.path());
            }
        }
    }
    std::process::exit(status)
}

fn remove(p: &Path) {
    if p.is_dir() {
        let _ = std::fs::remove_dir_all(p);
    } else {
        let _ = std::fs::remove_file(p);
    }
}

/// Ends the process with `status` after an error, unless a signal is already ending it: the
/// error may be the signal's doing (a temporary file removed under a writer), and the signal's
/// status and message are the ones to give. Says nothing more in that case.
pub fn exit_after_error(status: i32, message: &str) -> ! {
    if STOPPING.load(Ordering::SeqCst) == 0 {
        // Hold the registry so that a signal arriving now waits for this exit.
        let _guard = registry().lock();
        if STOPPING.load(Ordering::SeqCst) == 0 {
            eprintln!("{message}");
            std::process::exit(status);
        }
    }
    loop {
        std::thread::park();
    }
}

/// Starts the thread that turns SIGINT, SIGTERM and SIGHUP into a clean exit, and catches
/// SIGXFSZ. Called once by the command-line front end.
pub fn install_signal_handlers() -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP, SIGXFSZ])?;
    std::thread::spawn(move || {
        for sig in signals.forever() {
            if sig == SIGXFSZ {
                continue;
            }
            let name = match sig {
                SIGINT => "interrupted",
                SIGTERM => "terminated",
                _ => "hung up",
            };
            eprintln!("zenome: {name}; temporary files removed");
            remove_all_and_exit(128 + sig);
        }
    });
    Ok(())
}

/// Whether process `pid` is running (Linux: its /proc entry exists). Where /proc is missing,
/// every process counts as running, so that nothing is removed by mistake.
fn alive(pid: u32) -> bool {
    let proc_root = Path::new("/proc");
    !proc_root.join("self").exists() || proc_root.join(pid.to_string()).exists()
}

/// Removes leftovers in `dir` named `{prefix}{pid}` or `{prefix}{pid}.{anything}` whose process
/// is gone: temporary outputs (`OUT.tmp.PID`) and sort folders (`.zenome-sort.PID.XXXX`).
pub(crate) fn sweep(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(rest) = name.to_str().and_then(|n| n.strip_prefix(prefix)) else {
            continue;
        };
        let pid = rest.split('.').next().and_then(|p| p.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !alive(pid)
        {
            remove(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeping_removes_leftovers_of_dead_processes_only() {
        let dir = tempfile::tempdir().unwrap();
        let mine = dir
            .path()
            .join(format!("out.bam.tmp.{}", std::process::id()));
        // PIDs above the kernel's limit (2^22) never run.
        let dead = dir.path().join("out.bam.tmp.99999999");
        let dead_dir = dir.path().join(".zenome-sort.99999999.abc");
        let other = dir.path().join("out.bam.tmp.notapid");
        for f in [&mine, &dead, &other] {
            std::fs::write(f, b"x").unwrap();
        }
        std::fs::create_dir(&dead_dir).unwrap();
        sweep(dir.path(), "out.bam.tmp.");
        sweep(dir.path(), ".zenome-sort.");
        assert!(mine.exists() && other.exists());
        assert!(!dead.exists() && !dead_dir.exists());
    }
}
