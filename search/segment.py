"""A Whoosh segment written in one go from documents' terms, for a full build.

Whoosh's writer sends every posting through a pool that it sorts, spills to
temporary files and merges, then writes one posting at a time; on our
corpus that was half the build.  A build knows more: documents arrive in
docnum order, so each term's postings are already sorted when they are
appended to its list, and only the terms need sorting at the end.  This
module keeps each term's postings in one flat list and writes the segment
files in Whoosh 2.7's own format (codec W3), in the blocks its
W3PostingsWriter makes, so the searcher reads them as Whoosh's own.  Only
the bytes differ: short blocks are left uncompressed (see `_postings`), and
equal position values are one shared object, which pickle writes once.
tests/test_segment.py checks, through Whoosh's reader, that every term,
statistic and posting is what Whoosh's own writer gives.

The analysed fields' terms come from search.terms, already gathered
(with their positions, or, for the sound field, only which terms);
the other fields are analysed by Whoosh as usual.
"""

import struct
import zlib
from array import array
from functools import lru_cache
from operator import sub
from pickle import dumps

from whoosh import formats
from whoosh.codec import default_codec
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from search.terms import Terms

BLOCK = 128  # postings per block: W3Codec's blocklimit
COMPRESSION = 3  # W3Codec's zlib level
COMPRESS_FROM = 512  # bytes of pickle: a shorter block is written as it is (the postings grow by a tenth)
_INT = struct.Struct("!i")  # a block's length, as StructFile.write_int writes it
_FLOAT = struct.Struct("!f")
_TERM_INFO = W3TermInfo._struct
# length_to_byte of a document's rounded length: one of the 256 lengths a byte stands for.
_length_byte = lru_cache(maxsize=None)(length_to_byte)
_LENGTHS = struct.Struct("!ii")  # a term table record's key and value lengths, as filetables writes them
# Posting lists' bytes, or terms, gathered before they are written in one go.
WRITE_CHUNK, WRITE_TERMS = 1 << 22, 10_000
# A block's data is pickled with protocol 4, not Whoosh's 2: protocol 2 has no
# bytes type and writes each posting's value as a call to _codecs.encode on a
# str, three times as long and many times slower to write and to read.  The
# reader's pickle.loads reads either.  Each value itself stays as
# formats.Positions makes it, since the reader hands it on as it is.
DATA_PROTOCOL = 4


class SegmentBuilder:
    """Add documents with `add`, then `finish` writes the segment and returns it."""

    def __init__(self, storage, indexname: str, schema):
        self.storage, self.schema = storage, schema
        self.codec = default_codec()
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.docnum = 0
        # field -> term -> [docnum, frequency, encoded value, docnum, ...], or [docnum, ...] for a
        # field of formats.Existence (the sound field), whose postings are the same but for docnum
        self.postings = {name: {} for name in schema.names() if schema[name].indexed}
        self.lengths = {name: array("B") for name in schema.names() if schema[name].scorable}
        # positional field -> a lone position -> its value
        self._values = {name: {} for name in self.postings if isinstance(schema[name].format, formats.Positions)}

    def add(self, fields: dict, terms: Terms) -> None:
        """One document: `fields` as for Whoosh's add_document, `terms` its analysed fields' terms."""
        docnum, perdoc = self.docnum, self.perdoc
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            field = self.schema[name]
            length = 0
            if field.indexed:
                found = getattr(terms, name, None)
                if found is None:
                    self._add_whoosh(name, field, value, docnum)
                elif isinstance(field.format, formats.Positions):
                    length = self._add_positions(name, found, docnum)
                else:
                    self._add_existence(name, found, docnum)
            if field.scorable:
                self.lengths[name].append(length_to_byte(length))
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1

    def _add_whoosh(self, name: str, field, value, docnum: int) -> None:
        postings = self.postings[name]
        for tbytes, freq, weight, vbytes in field.index(value):
            postings.setdefault(tbytes, []).extend((docnum, weight, vbytes))

    def _add_positions(self, name: str, found: dict, docnum: int) -> int:
        """Positions as formats.Positions encodes them; a lone position's value is made once."""
        postings, single = self.postings[name], self._values[name]
        length = 0
        for term, at in found.items():
            freq = len(at)
            length += freq
            if freq == 1:
                value = single.get(at[0])
                if value is None:
                    value = single[at[0]] = pack_uint(1) + dumps(at, 2)
            else:
                value = pack_uint(freq) + dumps(list(map(sub, at, [0] + at)), 2)  # the gaps between positions
            entry = postings.get(term)
            if entry is None:
                postings[term] = [docnum, freq, value]
            else:
                entry += (docnum, freq, value)
        return length

    def _add_existence(self, name: str, found: set, docnum: int) -> None:
        """Terms as formats.Existence records them: which document, nothing more (its weight is 1)."""
        postings = self.postings[name]
        for term in found:
            entry = postings.get(term)
            if entry is None:
                postings[term] = [docnum]
            else:
                entry.append(docnum)

    def finish(self):
        """Write the postings and close the segment's files; returns the Whoosh segment."""
        self.perdoc.close()
        self.segment.set_doc_count(self.docnum)
        fieldwriter = self.codec.field_writer(self.storage, self.segment)
        for name in sorted(self.postings):
            postings = self.postings.pop(name)
            if postings:
                self._write_field(fieldwriter, name, postings)
        fieldwriter.close()
        self.segment.create_compound_file(self.storage)
        return self.segment

    def _write_field(self, fieldwriter, name: str, postings: dict) -> None:
        field = self.schema[name]
        fieldwriter.start_field(name, field)  # gives the field its number in the term table
        # Whoosh's field writer takes one posting per call; its files are written here directly instead.
        key_prefix = pack_ushort(fieldwriter._fieldid)
        postfile, tindex = fieldwriter._postfile, fieldwriter._tindex
        lengths = self.lengths.get(name)
        # Each document's length in this field, as a reader gives it back: rounded to what one byte holds.
        rounded = [byte_to_length(b) for b in lengths] if lengths is not None else None
        boost = field.format.field_boost
        fixed = field.format.fixed_value_size()
        whoosh_made = name not in Terms.__dataclass_fields__
        existence = isinstance(field.format, formats.Existence) and not whoosh_made
        offset = postfile.tell()
        chunks, held, entries = [], 0, []
        for term in sorted(postings):
            flat = postings[term]
            tbytes = term if whoosh_made else term.encode("utf-8")
            if existence:  # docnums only: each weighs the field's boost, and has no value
                ids, weights, values = flat, [boost] * len(flat), [b""] * len(flat)
            else:
                ids, values = flat[0::3], flat[2::3]
                weights = flat[1::3] if whoosh_made else [freq * boost for freq in flat[1::3]]
            if len(ids) == 1:  # most terms: a word that one document has
                doc = ids[0]
                length = rounded[doc] if rounded is not None else None
                data, info = _one_posting(doc, weights[0], values[0], length, fixed, offset)
            else:
                lens = list(map(rounded.__getitem__, ids)) if rounded is not None else None
                data, info = _postings(ids, weights, values, lens, fixed, offset)
            chunks.append(data)
            held += len(data)
            offset += len(data)
            entries.append((key_prefix + tbytes, info))
            if held >= WRITE_CHUNK or len(entries) >= WRITE_TERMS:
                postfile.write(b"".join(chunks))
                _add_terms(tindex, entries)
                chunks, held, entries = [], 0, []
        postfile.write(b"".join(chunks))
        _add_terms(tindex, entries)
        fieldwriter.finish_field()


def _add_terms(tindex, entries: list) -> None:
    """What tindex.add (whoosh.filedb.filetables.OrderedHashWriter) does for each (key, term info), in one write.

    The keys are in order already, as `add` requires; the file is the same.
    """
    if not entries:
        return
    dbfile, hashfn, buckets, index = tindex.dbfile, tindex.hashfn, tindex.buckets, tindex.index
    at = dbfile.tell()
    records, places = [], []
    for key, value in entries:
        places.append(at)
        h = hashfn(key)
        buckets[h & 255].append((h, at))
        record = _LENGTHS.pack(len(key), len(value)) + key + value
        records.append(record)
        at += len(record)
    index.extend(places)
    dbfile.write(b"".join(records))
    tindex.lastkey = entries[-1][0]


def _one_posting(doc: int, weight: float, value: bytes, length: int | None, fixed: int | None,
                 offset: int) -> tuple[bytes, bytes]:
    """A posting list of one posting, and its term info's bytes: what `_postings` gives, by a shorter way."""
    weight32 = _FLOAT.unpack(_FLOAT.pack(weight))[0]  # as Whoosh keeps it: 32 bits
    if fixed is None or fixed < 0:
        values = (value,)
    else:
        values = None if fixed == 0 else value
    data = dumps(((doc,), None if weight32 == 1.0 else weight32, values), DATA_PROTOCOL)
    compression = COMPRESSION if len(data) >= COMPRESS_FROM else 0
    if compression:
        data = _compress(data)
    size = _length_byte(length)
    head = dumps((1, doc, weight, compression, size, size), 2)
    block = WHOOSH3_HEADER_MAGIC + _INT.pack(-len(head) - len(data)) + head + data
    # W3TermInfo.to_bytes: flags, total weight, documents, lengths, greatest weight, first and last document.
    info = _TERM_INFO.pack(0, weight32, 1, size, size, weight, doc, doc) + pack_long(offset) + pack_int(len(block))
    return block, info


def _compress(data: bytes) -> bytes:
    """zlib at W3Codec's level, with a 4 KB window: a block is smaller than the default 32 KB
    window, and setting that one up took five times as long as compressing a block."""
    compressor = zlib.compressobj(COMPRESSION, zlib.DEFLATED, 12, 4)
    return compressor.compress(data) + compressor.flush()


def _postings(ids: list, weights: list, values: list, lengths: list | None, fixed: int | None,
              offset: int) -> tuple[bytes, bytes]:
    """One term's posting list as whoosh.codec.whoosh3.W3PostingsWriter lays it out, in blocks, and its term info's bytes.

    One difference: a block whose pickle is short is not compressed (its
    header says so, and the reader follows it).  zlib makes a few dozen
    bytes no smaller, and most terms are that short; compressing them took
    a fifth of writing a segment, and decompressing them costs every search.
    """
    out = [WHOOSH3_HEADER_MAGIC]
    count = len(ids)
    total = 0  # the weights' sum, added block by block as W3TermInfo.add_block adds it
    for at in range(0, count, BLOCK):
        if count <= BLOCK:
            block_ids, block_weights, block_values = ids, weights, values
        else:
            block_ids, block_weights, block_values = ids[at:at + BLOCK], weights[at:at + BLOCK], values[at:at + BLOCK]
        stored = array("f", block_weights)  # as Whoosh keeps them: 32 bits
        total += sum(stored)
        if lengths is None:
            min_length, max_length = None, 0
        else:
            block_lengths = lengths if count <= BLOCK else lengths[at:at + BLOCK]
            min_length, max_length = min(block_lengths), max(block_lengths)
        if stored.count(stored[0]) == len(stored):
            mini_weights = None if stored[0] == 1.0 else stored[0]
        else:
            mini_weights = tuple(stored)
        if fixed is None or fixed < 0:
            mini_values = tuple(block_values)
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = b"".join(block_values)
        if len(block_ids) == 1:
            deltas = (block_ids[0],)
        else:
            deltas = tuple(map(sub, block_ids, [0] + block_ids))
        data = dumps((deltas, mini_weights, mini_values), DATA_PROTOCOL)
        compression = COMPRESSION if len(data) >= COMPRESS_FROM else 0
        if compression:
            data = _compress(data)
        head = dumps((len(block_ids), block_ids[-1], max(block_weights), compression,
                      _length_byte(min_length), _length_byte(max_length)), 2)
        size = len(head) + len(data)
        out += (_INT.pack(-size if at + BLOCK >= count else size), head, data)
    data = b"".join(out)
    # W3TermInfo.to_bytes of the statistics W3TermInfo.add_block gathers, block by block, from its starting values.
    if lengths is None:
        min_byte = max_byte = 0
    else:
        min_byte, max_byte = _length_byte(min(lengths)), _length_byte(max(0, max(lengths)))
    info = _TERM_INFO.pack(0, total, count, min_byte, max_byte, max(0, max(weights)), ids[0], ids[-1])
    return data, info + pack_long(offset) + pack_int(len(data))
