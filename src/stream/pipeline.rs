//! The pool at work on a stream: blocks of text in flight on rayon's
//! threads, parsed, tagged and rendered in pieces, and written in input
//! order by the one thread that also reads them.
//!
//! The whole stream runs on a pool thread, which renders pieces while it
//! waits for the oldest block. This module does not cut the text (see
//! `blocks`) nor read a record (see `rows`).

use super::blocks::Blocks;
use super::header::begin;
use super::rows::Rows;
use super::{StreamEvents, StreamOptions, StreamReport};
use crate::error::{Error, Result};
use crate::history::History;
use crate::layers::incidents::Tagger;
use crate::model::NameIndex;
use crate::read::incidents::{IncidentReader, Schema};
use crate::spatial::ZoneIndex;
use crate::write::geojson::FeatureWriter;
use std::collections::VecDeque;
use std::io::{Read, Write};
use std::sync::Mutex;

/// Records read ahead to decide how slashed dates are ordered (`04/05/2021`).
const DATE_LOOKAHEAD: usize = 10_000;
/// Bytes of text per block: one is rendered while the next is read.
const BLOCK: usize = 1 << 21;
/// Bytes of text per piece of a block, parsed and rendered apart.
const PIECE: usize = 1 << 18;
/// Blocks being rendered at once: enough that the pool has work while a
/// thread writes one and reads the next.
const DEPTH: usize = 6;

/// Bytes of text per block and per piece, and records read ahead (small
/// in tests, to cut anywhere).
#[derive(Debug, Clone, Copy)]
pub(super) struct Sizes {
    pub(super) block: usize,
    pub(super) piece: usize,
    pub(super) lookahead: usize,
}

impl Sizes {
    pub(super) const DEFAULT: Sizes =
        Sizes { block: BLOCK, piece: PIECE, lookahead: DATE_LOOKAHEAD };
}

/// [`incidents_with`] in blocks and pieces of `sizes`.
pub(super) fn stream<R: Read + Send, W: Write + Send>(
    reader: R,
    opts: &StreamOptions<'_>,
    writer: W,
    events: &mut dyn StreamEvents,
    sizes: Sizes,
) -> Result<StreamReport> {
    // The whole stream runs on a pool thread, which renders pieces while
    // it waits for a block: as many threads run as the pool has. A caller's
    // thread reading and writing beside the pool made one more, and the
    // kernel would leave a core idle while two of them shared the other.
    rayon::scope(|_| on_pool(reader, opts, writer, events, sizes))
}

/// [`stream`], on a thread of the pool.
fn on_pool(
    reader: impl Read + Send,
    opts: &StreamOptions<'_>,
    writer: impl Write + Send,
    events: &mut dyn StreamEvents,
    sizes: Sizes,
) -> Result<StreamReport> {
    let io_in = |e: std::io::Error| Error::io(&opts.path, e);
    let mut report = StreamReport::default();

    let empty_names = NameIndex::new();
    let (zones, names, control, forces) = match &opts.join {
        Some(j) => (j.zones, j.names, j.control, j.forces),
        None => (&[][..], &empty_names, &[][..], &[][..]),
    };
    // The zones are indexed and the control rows sorted on other threads
    // while this one reads the header and looks ahead at the dates.
    let (mut index, mut history) = (None, None);
    let begun = rayon::in_place_scope(|scope| {
        scope.spawn(|_| index = Some(ZoneIndex::new(zones)));
        scope.spawn(|_| history = Some(History::new(control, zones.len())));
        begin(reader, opts, sizes, &mut report, events)
    });
    let (mut blocks, headers, columns, dates) = begun?;
    let (Some(index), Some(history)) = (index, history) else {
        return Err(Error::internal("the zones were not indexed"));
    };
    let tagger = Tagger::with_index(zones, index, &history, forces);
    let delimiter = blocks.delimiter;
    let incident_reader = IncidentReader {
        path: &opts.path,
        columns,
        dates,
        decimal_comma: delimiter != b',',
        zones,
        names,
        crs: None,
    };
    let schema = Schema::new(&headers, &incident_reader.columns, incident_reader.decimal_comma);

    let out = std::io::BufWriter::with_capacity(1 << 17, writer);
    let mut fw = FeatureWriter::begin(out, opts.precision, opts.flavor, None)
        .map_err(|e| Error::io("-", e))?;
    let rows = Rows {
        reader: &incident_reader,
        tagger: &tagger,
        schema: &schema,
        width: headers.len(),
        delimiter,
        parsers: Mutex::new(Vec::new()),
        precision: opts.precision,
        flavor: opts.flavor,
        spare: Mutex::new(Vec::new()),
    };
    let io_out = |e: std::io::Error| Error::io("-", e);
    // Blocks of text: up to DEPTH are parsed, tagged and rendered in pieces
    // on the pool; this thread helps until the oldest is done, hands the
    // pool the next block, then writes the oldest: blocks are written in
    // input order.
    let mut result: Result<()> = Ok(());
    rayon::in_place_scope(|scope| {
        let mut pending = VecDeque::with_capacity(DEPTH);
        let mut spare = Vec::new();
        let mut more = true;
        result = (|| {
            // read blocks until DEPTH are being rendered
            let mut fill = |blocks: &mut Blocks<'_>,
                            pending: &mut VecDeque<_>,
                            spare: &mut Vec<u8>|
             -> Result<()> {
                while more && pending.len() < DEPTH {
                    let Some(block) = blocks.next(std::mem::take(spare)).map_err(io_in)? else {
                        more = false;
                        break;
                    };
                    let (done, rendered) = std::sync::mpsc::sync_channel(1);
                    let rows = &rows;
                    scope.spawn(move |_| {
                        // the receiver is gone only when the stream failed
                        let _ = done.send((rows.render(&block), block.bytes));
                    });
                    pending.push_back(rendered);
                }
                Ok(())
            };
            fill(&mut blocks, &mut pending, &mut spare)?;
            while let Some(oldest) = pending.pop_front() {
                let (pieces, bytes) =
                    helping(&oldest).ok_or_else(|| Error::internal("a block was not rendered"))?;
                spare = bytes;
                // the next block goes to the pool before this one is written
                fill(&mut blocks, &mut pending, &mut spare)?;
                let pieces = pieces.map_err(io_out)?;
                rows.write_rendered(&mut fw, pieces, &mut report, events).map_err(io_out)?;
                events.progress(blocks.offset, report.features);
            }
            Ok(())
        })();
    });
    result?;
    fw.finish().map_err(io_out)?;
    report.bytes = blocks.offset;
    events.progress(report.bytes, report.features);
    Ok(report)
}

/// Wait for a value from `rx`, running the pool's pending work meanwhile
/// (pieces of this block or of the next ones); when there is none, the
/// rest of the block is running on another thread, so wait a little and
/// look again.
fn helping<T>(rx: &std::sync::mpsc::Receiver<T>) -> Option<T> {
    use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
    loop {
        match rx.try_recv() {
            Ok(value) => return Some(value),
            Err(TryRecvError::Disconnected) => return None,
            Err(TryRecvError::Empty) => {}
        }
        if rayon::yield_now() == Some(rayon::Yield::Executed) {
            continue;
        }
        match rx.recv_timeout(std::time::Duration::from_micros(200)) {
            Ok(value) => return Some(value),
            Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}
