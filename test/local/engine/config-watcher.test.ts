// Uploads to the embedded S3 server start executions only when the trigger rule matches.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ObjectStore } from '../../../core/store/object-store';
import { ConfigWatcher } from '../../../local/engine/config-watcher';
import { LocalStateMachine } from '../../../local/engine/local-state-machine';
import { toTriggerRule } from '../../../local/engine/trigger-rule';
import { EmbeddedS3Server } from '../../../local/s3/embedded-s3-server';

const server = new EmbeddedS3Server();
let store: ObjectStore;

beforeAll(async () => {
  store = new ObjectStore(await server.start());
});
afterAll(() => server.stop());

it('starts one execution per config upload, with the rule target input', async () => {
  const received: unknown[] = [];
  const machine = new LocalStateMachine({
    definition: { StartAt: 'Read', States: { Read: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Read', End: true } } },
    lambdas: {
      'arn:aws:lambda:us-east-1:123456789012:function:Read': {
        handler: async (event) => {
          received.push(event);
          const { key } = event as { key: string };
          return { text: await new ObjectStore(store.settings).getText(key) };
        },
      },
    },
    s3: store.settings,
  });
  const results: unknown[] = [];
  const watcher = new ConfigWatcher({
    source: server.events,
    rules: [toTriggerRule({
      logicalId: 'ConfigUploaded',
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [store.bucket] }, object: { key: [{ wildcard: 'configs/*.json' }] } } },
      inputPathsMap: { bucket: '$.detail.bucket.name', key: '$.detail.object.key' },
      inputTemplate: '{"bucket":<bucket>,"key":<key>}',
    })],
    startExecution: async (input) => results.push(await machine.execute(input)),
  }).start();
  await store.putJson('configs/first.json', { runId: 'first' });
  await store.putJson('runs/first/config.json', { ignored: true });
  await store.client.send(new PutObjectCommand({ Bucket: store.bucket, Key: 'configs/notes.txt', Body: 'not a config' }));
  await store.putJson('configs/second.json', { runId: 'second' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await watcher.settle();
  watcher.stop();
  await store.putJson('configs/after-stop.json', { runId: 'late' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(received).toEqual(expect.arrayContaining([{ bucket: store.bucket, key: 'configs/first.json' }, { bucket: store.bucket, key: 'configs/second.json' }]));
  expect(received).toHaveLength(2);
  expect(results).toHaveLength(2);
  expect(results).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'SUCCEEDED', output: { text: expect.stringContaining('"second"') } })]));
});
