package dev.gradcamviewer.ui;

import dev.gradcamviewer.review.Verdict;
import javafx.scene.Scene;
import javafx.scene.control.TextInputControl;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The viewer's keys. They work wherever the focus is (a click on a tab or a panel keeps it), except
 * while typing in a text field; the arrows step through images only from the image itself (in the
 * layer tree they move through layers).
 */
final class ViewerKeys {
    /** What the keys do. */
    record Actions(IntConsumer step, Consumer<Verdict> verdict, Runnable note, Runnable fit, Runnable oneToOne,
                   Runnable toggleHeat, Consumer<Boolean> holdHeatHidden, Runnable invert, Runnable resetWindow, Runnable toggleText) { }

    private ViewerKeys() { }

    static void install(Scene scene, ImagePane imagePane, Actions a) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            boolean typing = scene.getFocusOwner() instanceof TextInputControl;
            boolean plain = !typing && !e.isShortcutDown();
            KeyCode k = e.getCode();
            if (k == KeyCode.PAGE_DOWN) a.step().accept(1);
            else if (k == KeyCode.PAGE_UP) a.step().accept(-1);
            else if (plain && (k == KeyCode.DIGIT1 || k == KeyCode.NUMPAD1)) a.verdict().accept(Verdict.AGREE);
            else if (plain && (k == KeyCode.DIGIT2 || k == KeyCode.NUMPAD2)) a.verdict().accept(Verdict.DISAGREE);
            else if (plain && (k == KeyCode.DIGIT3 || k == KeyCode.NUMPAD3)) a.verdict().accept(Verdict.UNSURE);
            else if (plain && k == KeyCode.N) a.note().run();
            else if ((k == KeyCode.RIGHT || k == KeyCode.LEFT) && imagePane.isFocused()) a.step().accept(k == KeyCode.RIGHT ? 1 : -1);
            else if (plain && k == KeyCode.F) a.fit().run();
            else if (plain && k == KeyCode.Z) a.oneToOne().run();
            else if (plain && k == KeyCode.H) a.toggleHeat().run();
            else if (plain && k == KeyCode.I) a.invert().run();
            else if (plain && k == KeyCode.R) a.resetWindow().run();
            else if (plain && k == KeyCode.T) a.toggleText().run();
            else if (!typing && k == KeyCode.SPACE) a.holdHeatHidden().accept(true);
            else return;
            e.consume();
        });
        scene.addEventFilter(KeyEvent.KEY_RELEASED, e -> {
            if (e.getCode() == KeyCode.SPACE) a.holdHeatHidden().accept(false);
        });
    }
}
