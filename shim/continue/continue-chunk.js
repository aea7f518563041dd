// Entry of the continue chunk (natter.continue.<hash>.js, manifest key
// continue_js): the offer sheet, its CSS and the QR drawer with its encoder.
// Its only statement hands them to the hook load-continue-chunk.js set.
// Downloaded only when the shopper asks to continue on a phone, so the
// first chat's bundle carries neither the sheet nor the encoder.
import { drawQr } from './qr-svg.js';
import { createContinueSheet, continueSheet } from '../ui/continue-sheet.js';

window.natter.__continue({ drawQr, createContinueSheet, continueSheet });
