/** A line for a server's log: one request (Common Log Format), an error with its stack, or a wsgi.errors line. */
export type LogSink = (line: string) => void;
