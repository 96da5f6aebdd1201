/**
 * The rules a mismatch with the model can break, named the way the lecture
 * and the core tests name them, each with where a student should look first.
 */

export interface Rule {
  why: string;
  hint: string;
}

export const RULES = {
  created: {
    why: 'Status codes: 201 Created for a new resource',
    hint: 'A POST /todos with a valid body (title: a string with a non-whitespace character; done: absent, true or false) answers "201 Created".',
  },
  location: {
    why: 'Location: a 201 answer says where the new resource lives',
    hint: 'Add ["Location", `/todos/${todo.id}`] to the headers of the POST /todos answer, with the id of the to-do in its body.',
  },
  json: {
    why: 'Every answer with a body is JSON, with Content-Type: application/json',
    hint: 'Send every body through one helper: JSON.stringify, then Buffer.from(text, "utf8"), with Content-Type: application/json.',
  },
  bytes: {
    why: 'Bytes, not characters: Content-Length counts the bytes of the UTF-8 body',
    hint: 'A body cut short where Content-Length ends means it was counted in characters: "é" is 2 bytes, an emoji 4. Send String(body.byteLength) of the encoded body (Buffer.byteLength(text)).',
  },
  todo: {
    why: 'A to-do is {"id": <positive integer>, "title": <string>, "done": <boolean>}; the title is stored exactly as sent',
    hint: 'Store body.title as it came (quotes, backslashes, accents, emoji, spaces) and build answers with JSON.stringify, never by hand.',
  },
  ids: {
    why: 'Resources: a URL names one resource for good; ids are never reused',
    hint: 'Keep a counter that only grows (nextId += 1); never derive an id from the number of to-dos or from the largest id left.',
  },
  list: {
    why: 'Resources: the collection lists every to-do, in creation order',
    hint: 'Keep the to-dos in an array or a Map (both keep insertion order); a DELETE removes exactly one, a rejected POST adds none.',
  },
  ignored: {
    why: 'Resources: the server assigns the id; unknown fields are ignored',
    hint: 'Build the new to-do from body.title and body.done only, never by spreading the request body ({...body}).',
  },
  deleted: {
    why: 'Resources: each to-do has its own URL, /todos/<id>; DELETE removes that one and answers 204 No Content',
    hint: 'Find the to-do by its id, not by its position: after a delete in the middle, positions and ids no longer line up.',
  },
  invalid: {
    why: 'Status codes: 400 Bad Request for a malformed request; a rejected request changes nothing',
    hint: 'Check the parsed body before creating anything: an object, title a string with a non-whitespace character, done absent or a boolean; answer 400 with {"error": "..."}.',
  },
  notFound: {
    why: 'Status codes: 404 Not Found for a URL that names nothing (an unknown path, or an id no to-do has)',
    hint: 'Match PATH_INFO exactly: /todos, or /todos/ followed by digits only (/^\\/todos\\/([0-9]+)$/); look the id up on every request.',
  },
  notAllowed: {
    why: 'Allow: a 405 Method Not Allowed says which methods the resource does support',
    hint: 'A known path with a method it does not support: 405 with ["Allow", "GET, POST"] on /todos, ["Allow", "DELETE"] on /todos/<id> (later tiers add more).',
  },
  errorBody: {
    why: 'Every error answer is JSON {"error": "<what is wrong>"}, so a client can always show what went wrong',
    hint: 'Answer errors through one helper that sends {"error": message} as JSON, whatever the status.',
  },
} as const satisfies Record<string, Rule>;
