// The training panel: the decision boundary (the model's score on a grid,
// its sign as the colour and its size as the strength) with the points, and
// the loss curve; both repainted for every show_training() message.

const NEGATIVE = [159, 197, 232]; // the class of labels < 0 (blue)
const POSITIVE = [249, 203, 156]; // labels > 0 (orange)

function paintBoundary(canvas, { points, labels, grid }) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const cell = { w: width / grid.size, h: height / grid.size };
  context.clearRect(0, 0, width, height);
  grid.scores.forEach((score, k) => {
    if (score === null) return;
    const colour = score > 0 ? POSITIVE : NEGATIVE;
    const strength = 0.25 + 0.75 * Math.min(1, Math.abs(score));
    const [r, g, b] = colour.map((c) => Math.round(255 - (255 - c) * strength));
    context.fillStyle = `rgb(${r},${g},${b})`;
    const row = Math.floor(k / grid.size);
    const column = k % grid.size;
    context.fillRect(column * cell.w, row * cell.h, Math.ceil(cell.w), Math.ceil(cell.h));
  });
  const toX = (x) => ((x - grid.xMin) / (grid.xMax - grid.xMin)) * width;
  const toY = (y) => ((grid.yMax - y) / (grid.yMax - grid.yMin)) * height;
  points.forEach(([x, y], i) => {
    context.beginPath();
    context.arc(toX(x), toY(y), 3.5, 0, 2 * Math.PI);
    context.fillStyle = labels[i] > 0 ? "#e69138" : "#3d85c6";
    context.fill();
    context.strokeStyle = "#222";
    context.lineWidth = 0.8;
    context.stroke();
  });
}

function paintLoss(canvas, losses) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  const pad = { left: 44, right: 10, top: 10, bottom: 26 };
  context.clearRect(0, 0, width, height);
  const known = losses.filter((loss) => loss !== null);
  if (known.length === 0) return;
  const top = Math.max(...known) || 1;
  const x = (i) => pad.left + (losses.length > 1 ? i / (losses.length - 1) : 0.5) * (width - pad.left - pad.right);
  const y = (loss) => height - pad.bottom - (loss / top) * (height - pad.top - pad.bottom);
  context.strokeStyle = "#999";
  context.lineWidth = 1;
  context.beginPath();
  context.moveTo(pad.left, pad.top);
  context.lineTo(pad.left, height - pad.bottom);
  context.lineTo(width - pad.right, height - pad.bottom);
  context.stroke();
  context.fillStyle = "#555";
  context.font = "11px sans-serif";
  context.fillText(top.toPrecision(3), 2, pad.top + 8);
  context.fillText("0", pad.left - 12, height - pad.bottom);
  context.fillText(`epoch ${losses.length}`, width - pad.right - 60, height - 8);
  context.strokeStyle = "#cc0000";
  context.lineWidth = 2;
  context.beginPath();
  let drawing = false;
  losses.forEach((loss, i) => {
    if (loss === null) {
      drawing = false;
      return;
    }
    if (drawing) context.lineTo(x(i), y(loss));
    else context.moveTo(x(i), y(loss));
    drawing = true;
  });
  context.stroke();
}

/** Repaints the panel for one show_training() message. */
export function drawTraining(panel, message) {
  panel.hidden = false;
  paintBoundary(panel.querySelector("#pg-boundary"), message);
  paintLoss(panel.querySelector("#pg-loss"), message.losses);
  const last = message.losses[message.losses.length - 1];
  panel.querySelector("#pg-loss-caption").textContent =
    last === null || last === undefined ? "loss per epoch" : `loss per epoch (last ${last.toFixed(4)})`;
}
