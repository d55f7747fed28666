// Uploads to the embedded S3 server start executions only when the trigger rule matches.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ObjectStore } from '../../../core/store/object-store';
import { ConfigWatcher } from '../../../local/engine/config-watcher';
import { LocalStateMachine } from '../../../local/engine/local-state-machine';
import { toTriggerRule } from '../../../local/engine/trigger-rule';
import { useEmbeddedObjectStore } from '../../support/embedded-object-store';

const s3 = useEmbeddedObjectStore();

it('starts one execution per config upload, with the rule target input', async () => {
  const received: unknown[] = [];
  const machine = new LocalStateMachine({
    definition: { StartAt: 'Read', States: { Read: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:Read', End: true } } },
    lambdas: {
      'arn:aws:lambda:us-east-1:123456789012:function:Read': {
        handler: async (event) => {
          received.push(event);
          const { key } = event as { key: string };
          return { text: await new ObjectStore(s3.objects.settings).getText(key) };
        },
      },
    },
    s3: s3.objects.settings,
  });
  const results: unknown[] = [];
  const watcher = new ConfigWatcher({
    source: s3.server.events,
    rules: [toTriggerRule({
      logicalId: 'ConfigUploaded',
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [s3.objects.bucket] }, object: { key: [{ wildcard: 'configs/*.json' }] } } },
      inputPathsMap: { bucket: '$.detail.bucket.name', key: '$.detail.object.key' },
      inputTemplate: '{"bucket":<bucket>,"key":<key>}',
    })],
    startExecution: async (input) => results.push(await machine.execute(input)),
  }).start();
  await s3.objects.putJson('configs/first.json', { runId: 'first' });
  await s3.objects.putJson('runs/first/config.json', { ignored: true });
  await s3.objects.client.send(new PutObjectCommand({ Bucket: s3.objects.bucket, Key: 'configs/notes.txt', Body: 'not a config' }));
  await s3.objects.putJson('configs/second.json', { runId: 'second' });
  await new Promise((resolve) => setTimeout(resolve, 200));
  await watcher.settle();
  watcher.stop();
  await s3.objects.putJson('configs/after-stop.json', { runId: 'late' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(received).toEqual(expect.arrayContaining([{ bucket: s3.objects.bucket, key: 'configs/first.json' }, { bucket: s3.objects.bucket, key: 'configs/second.json' }]));
  expect(received).toHaveLength(2);
  expect(results).toHaveLength(2);
  expect(results).toEqual(expect.arrayContaining([expect.objectContaining({ status: 'SUCCEEDED', output: { text: expect.stringContaining('"second"') } })]));
});
