//! How many chunks a worker takes at a time, from the core's L2 cache size.
//!
//! The batch size changes only the speed, never a result: moments are still
//! taken chunk by chunk and merged in chunk order.

/// Chunks a worker simulates before it feeds their columns to the sketches:
/// 2 on cores with less than 2 MiB of L2 cache, 1 otherwise (and where the
/// L2's size cannot be read). Results do not depend on it (moments are
/// still taken chunk by chunk).
///
/// Each (metric, month) sketch's tables are swept into cache once per
/// batch, so a larger batch spreads that sweep over more values, but its
/// column buffer (1.5 KiB a trajectory) is larger too: one chunk a batch
/// measured faster on cores with 2 MiB of L2, two on cores with 1 MiB
/// (docs/performance.md has the measurements).
pub(crate) fn chunks_per_batch() -> u64 {
    static BATCH: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BATCH.get_or_init(|| match l2_cache_bytes() {
        Some(bytes) if bytes < 2 << 20 => 2,
        _ => 1,
    })
}

/// The L2 cache of the first CPU, from Linux's sysfs (`None` elsewhere).
fn l2_cache_bytes() -> Option<u64> {
    let dir = std::path::Path::new("/sys/devices/system/cpu/cpu0/cache");
    (0..8).find_map(|i| {
        let read = |f: &str| std::fs::read_to_string(dir.join(format!("index{i}/{f}"))).ok();
        if read("level")?.trim() != "2" {
            return None;
        }
        parse_cache_size(&read("size")?)
    })
}

/// A sysfs cache size ("1024K", "2M") in bytes.
fn parse_cache_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (digits, unit) = match s.strip_suffix('K') {
        Some(d) => (d, 1 << 10),
        None => match s.strip_suffix('M') {
            Some(d) => (d, 1 << 20),
            None => (s, 1),
        },
    };
    digits.parse::<u64>().ok().map(|n| n * unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_sizes_parse_as_sysfs_writes_them() {
        assert_eq!(parse_cache_size("1024K\n"), Some(1 << 20));
        assert_eq!(parse_cache_size("2M"), Some(2 << 20));
        assert_eq!(parse_cache_size("512"), Some(512));
        assert_eq!(parse_cache_size("big"), None);
        assert!((1..=2).contains(&chunks_per_batch()));
    }
}
