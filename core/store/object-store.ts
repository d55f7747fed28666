// JSON and JSON Lines objects in S3 through @aws-sdk/client-s3: whole-object writes, streaming reads.
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { z } from 'zod';
import { parseJsonLine } from '../schemas/parse-json-line';
import { describeIssues } from '../schemas/validation-error';
import { createS3Client, S3Settings } from './s3-settings';

/** A line of a JSON Lines object that did not parse or validate: reported, never dropped silently. */
export interface LineError {
  line: number;
  error: string;
}

export type JsonLine<T> = { line: number; value: T; error?: undefined } | { line: number; value?: undefined; error: string };

/** Up to this size (8 MiB of text) a serialized object goes up in one PutObject. */
const SINGLE_PUT_CHARACTERS = 8 * 1024 * 1024;

function isNotFound(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return name === 'NoSuchKey' || name === 'NotFound' || status === 404;
}

/** The text of a JSON object as the store writes it: indented, newline-terminated. */
function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export class ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(readonly settings: S3Settings, client?: S3Client) {
    this.client = client ?? createS3Client(settings);
    this.bucket = settings.bucket;
  }

  async putText(key: string, body: string | Buffer, contentType = 'text/plain'): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putJson(key: string, value: unknown): Promise<void> {
    await this.putText(key, formatJson(value), 'application/json');
  }

  /**
   * Creates the object only where none exists (S3's conditional write): true if written, false if one was there.
   * S3 answers 409 while a conflicting conditional write is in flight; that one is retried until it resolves.
   */
  async putJsonIfAbsent(key: string, value: unknown): Promise<boolean> {
    const body = formatJson(value);
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json', IfNoneMatch: '*' }));
        return true;
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        if ((error as { name?: string }).name === 'PreconditionFailed' || status === 412) return false;
        if (status !== 409 || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
      }
    }
  }

  /** Writes the whole object in one go (multipart when large), so a retried write replaces, never appends. */
  async putJsonLines(key: string, records: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
    let count = 0;
    async function* lines(): AsyncGenerator<Buffer> {
      let buffer: string[] = [];
      let size = 0;
      for await (const record of records as AsyncIterable<unknown>) {
        const line = `${JSON.stringify(record)}\n`;
        buffer.push(line);
        size += line.length;
        count += 1;
        if (size > 1 << 20) {
          yield Buffer.from(buffer.join(''));
          buffer = [];
          size = 0;
        }
      }
      if (buffer.length > 0) yield Buffer.from(buffer.join(''));
    }
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(lines()), ContentType: 'application/x-ndjson' },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
    });
    await upload.done();
    return count;
  }

  /**
   * Writes lines already serialized (each ending in a newline) as one object: a single PUT when small, else the
   * streaming upload. Writers that serialize as they go keep the JSON work out of their final write.
   */
  async putSerializedLines(key: string, lines: string[]): Promise<void> {
    const size = lines.reduce((total, line) => total + line.length, 0);
    if (size <= SINGLE_PUT_CHARACTERS) {
      await this.putText(key, lines.join(''), 'application/x-ndjson');
      return;
    }
    await new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: Readable.from(lines.map((line) => Buffer.from(line))), ContentType: 'application/x-ndjson' },
      queueSize: 2,
      partSize: 8 * 1024 * 1024,
    }).done();
  }

  async getText(key: string): Promise<string | null> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await response.Body!.transformToString('utf8');
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getBytes(key: string): Promise<Buffer | null> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return Buffer.from(await response.Body!.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async getJson<T extends z.ZodType>(key: string, schema: T): Promise<z.infer<T> | null> {
    const text = await this.getText(key);
    if (text === null) return null;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new Error(`s3://${this.bucket}/${key}: expected JSON, received unparseable text (${(error as Error).message})`);
    }
    const result = schema.safeParse(value);
    if (!result.success) throw new Error(`s3://${this.bucket}/${key} is invalid:\n  ${describeIssues(result.error, value).join('\n  ')}`);
    return result.data;
  }

  /** Streams a JSON Lines object line by line with bounded memory; bad lines come back as errors with their line numbers. */
  async *readJsonLines<T extends z.ZodType>(key: string, schema: T): AsyncGenerator<JsonLine<z.infer<T>>> {
    const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const reader = createInterface({ input: response.Body as Readable, crlfDelay: Infinity });
    let line = 0;
    for await (const text of reader) {
      line += 1;
      if (text.trim() === '') continue;
      const parsed = parseJsonLine(text);
      if (parsed.error !== undefined) {
        yield { line, error: parsed.error };
        continue;
      }
      const value = parsed.value;
      const result = schema.safeParse(value);
      if (result.success) yield { line, value: result.data };
      else yield { line, error: describeIssues(result.error, value).join('; ') };
    }
  }

  /** Reads every valid record, throwing on the first invalid line (for the project's own outputs, which must be valid). */
  async readAllJsonLines<T extends z.ZodType>(key: string, schema: T): Promise<z.infer<T>[]> {
    const records: z.infer<T>[] = [];
    for await (const entry of this.readJsonLines(key, schema)) {
      if (entry.error !== undefined) throw new Error(`s3://${this.bucket}/${key} line ${entry.line}: ${entry.error}`);
      records.push(entry.value);
    }
    return records;
  }

  async exists(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** Deletes many keys in batched requests (S3 takes up to 1,000 per request); a key that fails is an error. */
  async deleteMany(keys: string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const batch = keys.slice(start, start + 1000);
      const result = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true } }));
      const failed = result.Errors ?? [];
      if (failed.length > 0) throw new Error(`s3://${this.bucket}: could not delete ${failed.length} of ${batch.length} keys, first ${failed[0].Key}: ${failed[0].Code} ${failed[0].Message}`);
    }
  }
}
