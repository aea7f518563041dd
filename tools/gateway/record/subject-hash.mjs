// What erased_subjects keeps of an erased conversation or visitor id.
import { createHash } from 'node:crypto';

export const subjectHash = (id) => createHash('sha256').update(`natter-record:${id}`).digest('hex');
