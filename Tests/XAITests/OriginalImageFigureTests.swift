import KerasLensGraph
import KerasLensImages
import Testing
@testable import KerasLensXAI

/// A map drawn over the original picture: at the picture's size, the map resized smoothly onto it (the keras.io
/// tutorial's exact pixels are TutorialPipelineCommandTests').
@Suite struct OriginalImageFigureTests {
    /// A 2×2 map hot only in its top-left cell, over a 30×20 gray picture: the figure is 30 wide and 20 high, red
    /// toward the top-left (jet's top) and blue toward the bottom-right (jet's bottom), and 1-D maps are refused.
    @Test func theMapIsDrawnOverThePictureAtItsSize() throws {
        let explanation = Explanation(maps: Tensor(shape: [1, 2, 2], scalars: [1, 0, 0, 0]), classes: [0], scores: [1], surrogates: nil)
        let picture = PixelImage(width: 30, height: 20, channels: 1, pixels: Array(repeating: 128, count: 600))
        let figure = try explanation.figure(0, over: picture)
        #expect(figure.width == 30 && figure.height == 20)
        let hot = figure[0, 0], cold = figure[29, 19]
        #expect(hot.red > hot.blue)
        #expect(cold.blue > cold.red)
        let signal = Explanation(maps: Tensor(shape: [1, 4], scalars: [1, 0, 0, 0]), classes: [0], scores: [1], surrogates: nil)
        #expect(throws: FigureError.self) { _ = try signal.figure(0, over: picture) }
        let withAlpha = PixelImage(width: 2, height: 2, channels: 4, pixels: Array(repeating: 9, count: 16))
        #expect(throws: FigureError.self) { _ = try explanation.figure(0, over: withAlpha) }
    }
}
