// EventBridge pattern matching and input transformers as the config trigger uses them.
import { matchesEventPattern, renderTargetInput } from '../../../local/engine/event-pattern';
import { createS3Event, toTriggerRule } from '../../../local/engine/trigger-rule';

const rule = toTriggerRule({
  logicalId: 'ConfigUploaded',
  eventPattern: {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: { bucket: { name: ['runs-bucket'] }, object: { key: [{ wildcard: 'configs/*.json' }] } },
  },
  inputPathsMap: { 'detail-bucket-name': '$.detail.bucket.name', 'detail-object-key': '$.detail.object.key' },
  inputTemplate: '{"bucket":<detail-bucket-name>,"key":<detail-object-key>}',
});

describe('matchesEventPattern', () => {
  it('matches config uploads and nothing else', () => {
    expect(matchesEventPattern(rule.pattern, createS3Event('s3:ObjectCreated:Put', 'runs-bucket', 'configs/a.json'))).toBe(true);
    expect(matchesEventPattern(rule.pattern, createS3Event('s3:ObjectCreated:Copy', 'runs-bucket', 'configs/nested/b.json'))).toBe(true);
    expect(matchesEventPattern(rule.pattern, createS3Event('s3:ObjectCreated:Put', 'runs-bucket', 'configs/a.yaml'))).toBe(false);
    expect(matchesEventPattern(rule.pattern, createS3Event('s3:ObjectCreated:Put', 'runs-bucket', 'runs/a/config.json'))).toBe(false);
    expect(matchesEventPattern(rule.pattern, createS3Event('s3:ObjectCreated:Put', 'other-bucket', 'configs/a.json'))).toBe(false);
    expect(matchesEventPattern(rule.pattern, createS3Event('s3:ObjectRemoved:Delete', 'runs-bucket', 'configs/a.json'))).toBe(false);
  });

  it('supports prefix, suffix, anything-but, exists and numeric conditions', () => {
    const event = { detail: { key: 'configs/x.json', size: 10 }, source: 'aws.s3' };
    expect(matchesEventPattern({ detail: { key: [{ prefix: 'configs/' }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { key: [{ suffix: '.yaml' }] } }, event)).toBe(false);
    expect(matchesEventPattern({ source: [{ 'anything-but': ['aws.ec2'] }] }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { missing: [{ exists: false }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { key: [{ exists: false }] } }, event)).toBe(false);
    expect(matchesEventPattern({ detail: { size: [{ numeric: ['>', 5, '<=', 10] }] } }, event)).toBe(true);
    expect(matchesEventPattern({ detail: { size: [{ numeric: ['>', 10] }] } }, event)).toBe(false);
  });
});

describe('renderTargetInput', () => {
  it('fills the input template the way EventBridge does', () => {
    const event = createS3Event('s3:ObjectCreated:Put', 'runs-bucket', 'configs/with "quote".json');
    expect(renderTargetInput(rule.target, event)).toEqual({ bucket: 'runs-bucket', key: 'configs/with "quote".json' });
    const quoted = renderTargetInput({ InputTransformer: { InputPathsMap: { key: '$.detail.object.key' }, InputTemplate: '{"message":"got <key>","raw":"<key>"}' } }, event);
    expect(quoted).toEqual({ message: 'got configs/with "quote".json', raw: 'configs/with "quote".json' });
  });
});
