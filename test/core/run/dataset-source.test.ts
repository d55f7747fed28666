// Parsing of dataset source references and shard names.
import { DatasetSourceError, parseDatasetSource, shardName } from '../../../core/run';

describe('parseDatasetSource', () => {
  it('tells the kinds of source apart', () => {
    expect(parseDatasetSource('uploads/gsm8k.jsonl')).toEqual({ kind: 'object', bucket: null, key: 'uploads/gsm8k.jsonl' });
    expect(parseDatasetSource('s3://data-bucket/a/b.jsonl')).toEqual({ kind: 'object', bucket: 'data-bucket', key: 'a/b.jsonl' });
    expect(parseDatasetSource('datasets/gsm8k-train')).toEqual({ kind: 'imported', name: 'gsm8k-train' });
    expect(parseDatasetSource('builtin:hop:test')).toEqual({ kind: 'builtin', family: 'hop', split: 'test' });
    expect(parseDatasetSource('builtin:arith', { split: 'test' })).toEqual({ kind: 'builtin', family: 'arith', split: 'test' });
    expect(parseDatasetSource('/data/x.jsonl', { allowLocalFiles: true })).toEqual({ kind: 'local-file', path: '/data/x.jsonl' });
    expect(parseDatasetSource('file:///data/x.jsonl', { allowLocalFiles: true })).toEqual({ kind: 'local-file', path: '/data/x.jsonl' });
  });

  it('refuses local files unless local runs allow them, and keys that climb', () => {
    expect(() => parseDatasetSource('/etc/passwd')).toThrow(DatasetSourceError);
    expect(() => parseDatasetSource('./data.jsonl')).toThrow(/SWIRL_ALLOW_LOCAL_FILES=1/);
    expect(() => parseDatasetSource('runs/../secrets.jsonl')).toThrow(/without "\." or "\.\." segments/);
    expect(() => parseDatasetSource('builtin:poem:train')).toThrow(/builtin:<hop\|arith>/);
    expect(() => parseDatasetSource('s3://bucket-only')).toThrow(/s3:\/\/<bucket>\/<key>/);
  });

  it('names shards with fixed width so they sort in order', () => {
    expect(shardName(0)).toBe('shard-00000');
    expect(shardName(123)).toBe('shard-00123');
    expect([shardName(10), shardName(9)].sort()).toEqual([shardName(9), shardName(10)]);
  });
});
